/**
 * The write-ahead journal of a lab: before a batch runs, its ops are appended as an intent;
 * after it, their ids as done; undone ids after rollback. Replaying it tells what the lab owns,
 * even after a crash (`down` undoes intents it cannot prove were not applied, tolerating
 * "not found"). After a successful `up` the journal is compacted to the owned ops.
 * @module
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { UnderlayError } from "../errors.ts";
import type { ProcessIdentity } from "../lib/process-identity.ts";
import type { Op } from "../plan/ops/types.ts";
import { netnsAdd } from "../plan/ops/namespace.ts";
import { shortHash } from "../spec/names.ts";

/** An op without its fact: what undoing it needs (a plan op is one, and so is the journal's record of one). */
export type Undoable = Op extends infer T ? (T extends Op ? Omit<T, "fact"> : never) : never;

/**
 * What the journal keeps of a step: the op without its fact (enough to undo it), and a signature
 * of its fields and fact so a later run can tell whether the plan still asks for exactly the same.
 */
export type OwnedStep = Undoable & {
  /** Signature of the step's fields and fact. */
  readonly sig: string;
};

const signatures = new WeakMap<Op, string>();

/** The signature of a step: two 32-bit FNV-1a hashes of its fields and fact (computed once per op object). */
export function stepSignature(op: Op): string {
  let sig = signatures.get(op);
  if (sig === undefined) {
    const { id: _id, phase: _phase, summary: _summary, ...fields } = op;
    const text = JSON.stringify(fields);
    sig = `${shortHash(text)}${shortHash(`${text.length}:${text}`)}`;
    signatures.set(op, sig);
  }
  return sig;
}

/**
 * The journal form of a step: the op without its fact. Intents go without the signature
 * (`sig: ""`): it is only trusted from a compacted journal, which {@link Journal.compact} writes
 * with signatures.
 */
export function ownedStep(op: Op, signed = true): OwnedStep {
  const { fact: _fact, ...rest } = op;
  return { ...rest, sig: signed ? stepSignature(op) : "" } as OwnedStep;
}

/**
 * The namespace a step creates, or `null`.
 *
 * @example
 * ```ts
 * createdNamespace(netnsAdd("demo-web", 3, false)); // "demo-web"
 * ```
 */
export function createdNamespace(step: Undoable): string | null {
  return step.kind === "netns-add" ? step.name : null;
}

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

/** Path of a lab's teardown list (written with the compacted journal, removed when a run begins). */
export function teardownPath(stateDir: string, lab: string): string {
  return join(stateDir, `${lab}.down`);
}

/** A lab's teardown list, as {@link readTeardown} returns it. */
export interface Teardown {
  /** Owned namespaces by the phase that created them: deleting them takes everything inside along. */
  readonly namespaces: readonly (readonly [number, readonly string[]])[];
  /** The other owned steps that those deletions do not cover. */
  readonly steps: readonly OwnedStep[];
  /** How many owned steps the namespace deletions take with them. */
  readonly covered: number;
  /** The owning process (`null`: a persistent lab; `undefined`: not recorded). */
  readonly owner: ProcessIdentity | null | undefined;
}

/**
 * What `down` must undo for a lab whose last run completed: the owned namespaces (by name) and
 * the owned steps that deleting them does not already cover. Small even for thousands of
 * endpoints, so `down` need not read the whole journal. `null` when there is no such list (use
 * {@link readOwnership}).
 */
export function readTeardown(stateDir: string, lab: string): Teardown | null {
  try {
    const rec = JSON.parse(readFileSync(teardownPath(stateDir, lab), "utf8")) as TeardownFile;
    if (!Array.isArray(rec.steps) || !Array.isArray(rec.namespaces)) return null;
    return { namespaces: rec.namespaces, steps: rec.steps, covered: rec.covered ?? 0, owner: rec.owner };
  } catch {
    return null;
  }
}

/** A teardown list as owned steps: one namespace step per owned namespace, then the other steps. */
export function teardownSteps(t: Teardown): OwnedStep[] {
  return [...t.namespaces.flatMap(([phase, names]) => names.map((name) => namespaceStep(name, phase))), ...t.steps];
}

/** The teardown file: owned namespaces as plain names per phase (thousands of them stay small), other steps in full. */
interface TeardownFile {
  readonly planHash: string;
  readonly owner?: ProcessIdentity | null;
  readonly covered: number;
  readonly namespaces: readonly (readonly [number, readonly string[]])[];
  readonly steps: readonly OwnedStep[];
}

/** The owned step that created namespace `name` (what teardown needs of it). */
function namespaceStep(name: string, phase: number): OwnedStep {
  const { fact: _fact, ...op } = netnsAdd(name, phase, false);
  return { ...op, sig: "" };
}

/**
 * Deletes a lab's journal and teardown list without opening them (the lab owns nothing any more).
 * Each file is first renamed out of the way (a cheap, atomic step: from then on the lab has no
 * journal), and then unlinked in the background: freeing a just-written journal's pages costs
 * the kernel up to a millisecond, which `down` need not wait for. A pending unlink keeps the
 * process alive until it is done, so nothing is left behind — unless the process is killed
 * first: a test runner stops its worker as soon as a file's last teardown has returned, which
 * is why the test fixtures wait for {@link discardsSettled}.
 *
 * @example
 * ```ts
 * discardJournal("/run/underlay", "demo");
 * ```
 */
export function discardJournal(stateDir: string, lab: string): void {
  for (const path of [teardownPath(stateDir, lab), journalPath(stateDir, lab)]) {
    const gone = `${path}.${process.pid}.gone`;
    try {
      renameSync(path, gone);
    } catch {
      continue; // no such file
    }
    const pending = unlink(gone).catch(() => undefined);
    pendingDiscards.add(pending);
    void pending.finally(() => pendingDiscards.delete(pending));
  }
}

/** Background unlinks of discarded journals that have not finished yet. */
const pendingDiscards = new Set<Promise<void>>();

/**
 * Resolves once every journal this process discarded is unlinked.
 *
 * @example
 * ```ts
 * await lab.down(); await discardsSettled(); // nothing of the lab left in the state directory
 * ```
 */
export async function discardsSettled(): Promise<void> {
  await Promise.all([...pendingDiscards]);
}

/** Owned steps that namespace deletion does not cover (what teardown actually runs). */
export function uncovered<T extends Undoable>(steps: readonly T[]): T[] {
  const owned = new Set(steps.flatMap((o) => createdNamespace(o) ?? []));
  return steps.filter((o) => o.kind === "netns-add" || !((o.scope !== null && owned.has(o.scope)) || (o.netns !== null && owned.has(o.netns))));
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
      const down = teardownPath(stateDir, lab);
      const steps = uncovered(owned);
      const byPhase = new Map<number, string[]>();
      for (const o of steps) if (o.kind === "netns-add") byPhase.set(o.phase, [...(byPhase.get(o.phase) ?? []), o.name]);
      const file: TeardownFile = {
        planHash,
        owner,
        covered: owned.length - steps.length,
        namespaces: [...byPhase.entries()],
        steps: steps.filter((o) => o.kind !== "netns-add").map((o) => ownedStep(o)),
      };
      writeFileSync(`${down}.tmp`, JSON.stringify(file));
      renameSync(`${down}.tmp`, down);
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
