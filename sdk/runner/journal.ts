/**
 * The write-ahead journal of a lab: before a batch runs, its ops are appended as an intent;
 * after it, their ids as done; undone ids after rollback. Replaying it tells what the lab owns,
 * even after a crash (`down` undoes intents it cannot prove were not applied, tolerating
 * "not found"). After a successful `up` the journal is compacted to the owned ops.
 * @module
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { UnderlayError } from "../errors.ts";
import type { ProcessIdentity } from "../lib/process-identity.ts";
import type { Op } from "../plan/ops/types.ts";
import { ownedStep, stepSignature, type OwnedStep } from "./owned-step.ts";
import { journalPath, teardownPath } from "./state-dir.ts";
import { discardJournal, writeTeardown } from "./teardown.ts";

/** One journal record. `owner` is the process that owns the lab (`null`: a persistent lab). */
export type JournalRecord =
  | { readonly t: "begin"; readonly at: string; readonly pid: number; readonly planHash: string; readonly owner?: ProcessIdentity | null }
  | { readonly t: "intent"; readonly ops: readonly OwnedStep[] }
  | { readonly t: "done"; readonly ids: readonly string[] }
  | { readonly t: "undone"; readonly ids: readonly string[] }
  | { readonly t: "end"; readonly ok: boolean; readonly planHash: string; readonly owner?: ProcessIdentity | null };

/** What replaying a journal yields. */
export interface Ownership {
  /** Steps the lab may own, in the order they were first intended; `done` = known to have run. */
  readonly ops: readonly { readonly op: OwnedStep; readonly done: boolean }[];
  /** Whether the last run ended successfully. */
  readonly complete: boolean;
  /** Plan hash of the last successful run, or `null`. */
  readonly planHash: string | null;
  /** The owning process the journal names; `null` for a persistent lab; `undefined` when it names none. */
  readonly owner: ProcessIdentity | null | undefined;
}

/**
 * Replays a lab's journal. A missing journal means the lab owns nothing it can prove by journal
 * (ownership marks may still prove more).
 */
export function readOwnership(stateDir: string, lab: string): Ownership {
  const path = journalPath(stateDir, lab);
  if (!existsSync(path)) return { ops: [], complete: true, planHash: null, owner: undefined };
  const order: string[] = [];
  const ops = new Map<string, { op: OwnedStep; done: boolean }>();
  let complete = true;
  let planHash: string | null = null;
  let owner: ProcessIdentity | null | undefined;
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
        if (rec.owner !== undefined) owner = rec.owner;
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
        if (rec.owner !== undefined) owner = rec.owner;
        break;
    }
  }
  return { ops: order.filter((id) => ops.has(id)).map((id) => ops.get(id) as { op: OwnedStep; done: boolean }), complete, planHash, owner };
}

/** An open journal for one run. */
export interface Journal {
  /** Appends a record (intents are written before their batch runs). */
  write(record: JournalRecord): void;
  /** Appends the intent to run these steps (before they run). */
  intend(ops: readonly Op[]): void;
  /**
   * Computes what compacting will need of these steps (their signatures) — called while their
   * batch runs, so that the work overlaps the wait instead of adding to the end of `up`.
   */
  prepare(ops: readonly Op[]): void;
  /** Rewrites the journal as the compact list of owned ops (atomic rename), with the owning process. */
  compact(owned: readonly Op[], planHash: string, owner: ProcessIdentity | null): void;
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
      if (record.t === "begin") rmSync(teardownPath(stateDir, lab), { force: true });
      if (fd === null) fd = openSync(path, "a");
      // Written before the batch runs; no fsync: what the journal guards (namespaces, links,
      // addresses) is kernel state that a power loss or reboot removes with it, and a process
      // that dies leaves its written records in the page cache for the next one to read.
      appendFileSync(fd, `${JSON.stringify(record)}\n`);
    },
    intend(ops: readonly Op[]): void {
      this.write({ t: "intent", ops: ops.map((o) => ownedStep(o, false)) });
    },
    prepare(ops: readonly Op[]): void {
      for (const op of ops) stepSignature(op);
    },
    compact(owned: readonly Op[], planHash: string, owner: ProcessIdentity | null): void {
      const tmp = `${path}.tmp`;
      const lines = [
        JSON.stringify({ t: "intent", ops: owned.map((o) => ownedStep(o)) }),
        JSON.stringify({ t: "done", ids: owned.map((o) => o.id) }),
        JSON.stringify({ t: "end", ok: true, planHash, owner }),
      ];
      writeFileSync(tmp, `${lines.join("\n")}\n`);
      if (fd !== null) closeSync(fd);
      renameSync(tmp, path);
      fd = openSync(path, "a");
      writeTeardown(stateDir, lab, owned, planHash, owner);
    },
    remove(): void {
      if (fd !== null) closeSync(fd);
      fd = null;
      discardJournal(stateDir, lab);
    },
    close(): void {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
