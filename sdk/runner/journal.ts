/**
 * The write-ahead journal of a lab: before a batch runs, its ops are appended as an intent;
 * after it, their ids as done; undone ids after rollback. Replaying it tells what the lab owns,
 * even after a crash (`down` undoes intents it cannot prove were not applied, tolerating
 * "not found"). After a successful `up` the journal is compacted to the owned ops.
 * @module
 */
import { appendFileSync, closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UnderlayError } from "../errors.ts";
import type { Op } from "../plan/types.ts";

/** One journal record. */
export type JournalRecord =
  | { readonly t: "begin"; readonly at: string; readonly pid: number; readonly planHash: string }
  | { readonly t: "intent"; readonly ops: readonly Op[] }
  | { readonly t: "done"; readonly ids: readonly string[] }
  | { readonly t: "undone"; readonly ids: readonly string[] }
  | { readonly t: "end"; readonly ok: boolean; readonly planHash: string };

/** What replaying a journal yields. */
export interface Ownership {
  /** Ops the lab may own, in the order they were first intended; `done` = known to have run. */
  readonly ops: readonly { readonly op: Op; readonly done: boolean }[];
  /** Whether the last run ended successfully. */
  readonly complete: boolean;
  /** Plan hash of the last successful run, or `null`. */
  readonly planHash: string | null;
}

/** Path of a lab's journal. */
export function journalPath(stateDir: string, lab: string): string {
  return join(stateDir, `${lab}.journal`);
}

/**
 * Replays a lab's journal. A missing journal means the lab owns nothing it can prove by journal
 * (ownership marks may still prove more).
 */
export function readOwnership(stateDir: string, lab: string): Ownership {
  const path = journalPath(stateDir, lab);
  if (!existsSync(path)) return { ops: [], complete: true, planHash: null };
  const order: string[] = [];
  const ops = new Map<string, { op: Op; done: boolean }>();
  let complete = true;
  let planHash: string | null = null;
  const text = readFileSync(path, "utf8");
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let rec: JournalRecord;
    try {
      rec = JSON.parse(line) as JournalRecord;
    } catch {
      continue; // a torn last line after a crash
    }
    switch (rec.t) {
      case "begin":
        complete = false;
        break;
      case "intent":
        for (const op of rec.ops) {
          if (!ops.has(op.id)) order.push(op.id);
          ops.set(op.id, { op, done: false });
        }
        break;
      case "done":
        for (const id of rec.ids) {
          const e = ops.get(id);
          if (e !== undefined) e.done = true;
        }
        break;
      case "undone":
        for (const id of rec.ids) ops.delete(id);
        break;
      case "end":
        complete = rec.ok;
        planHash = rec.ok ? rec.planHash : planHash;
        break;
    }
  }
  return { ops: order.filter((id) => ops.has(id)).map((id) => ops.get(id) as { op: Op; done: boolean }), complete, planHash };
}

/** An open journal for one run. */
export interface Journal {
  /** Appends a record (intents are flushed to storage before the batch runs). */
  write(record: JournalRecord): void;
  /** Rewrites the journal as the compact list of owned ops (atomic rename). */
  compact(owned: readonly Op[], planHash: string): void;
  /** Deletes the journal (the lab owns nothing any more). */
  remove(): void;
  /** Closes the file. */
  close(): void;
}

/**
 * Opens (appends to) a lab's journal under `stateDir`.
 *
 * @example
 * ```ts
 * const j = openJournal("/run/underlay", "demo");
 * j.write({ t: "intent", ops });
 * ```
 */
export function openJournal(stateDir: string, lab: string): Journal {
  try {
    mkdirSync(stateDir, { recursive: true });
  } catch (e) {
    throw new UnderlayError("PREFLIGHT", `cannot create the state directory ${stateDir}: ${(e as Error).message} — run as root or pass stateDir`, { cause: e });
  }
  const path = journalPath(stateDir, lab);
  let fd: number | null = openSync(path, "a");
  return {
    write(record: JournalRecord): void {
      if (fd === null) fd = openSync(path, "a");
      appendFileSync(fd, `${JSON.stringify(record)}\n`);
      if (record.t === "intent" || record.t === "begin") fdatasyncSync(fd);
    },
    compact(owned: readonly Op[], planHash: string): void {
      const tmp = `${path}.tmp`;
      const lines = [
        JSON.stringify({ t: "intent", ops: owned }),
        JSON.stringify({ t: "done", ids: owned.map((o) => o.id) }),
        JSON.stringify({ t: "end", ok: true, planHash }),
      ];
      writeFileSync(tmp, `${lines.join("\n")}\n`);
      if (fd !== null) closeSync(fd);
      renameSync(tmp, path);
      fd = openSync(path, "a");
    },
    remove(): void {
      if (fd !== null) closeSync(fd);
      fd = null;
      rmSync(path, { force: true });
    },
    close(): void {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
