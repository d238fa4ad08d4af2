/**
 * The machine-wide record of labs: one small file per lab under `/run/underlay/labs/` (a fixed
 * place, whatever `$UNDERLAY_STATE_DIR` or `stateDir` say, so every process finds every lab),
 * naming the state directory that holds its journal, the process that owns it (or none, for a
 * lab meant to outlive its creator) and the lease store its addresses came from. Written when a
 * lab is brought up, removed when it is torn down. `up` refuses a lab another live process owns,
 * and `gc`/`reap` find every lab on the machine here, whatever state directory it uses.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UnderlayError } from "../errors.ts";
import { releaseLab } from "../ipam/lease-lab.ts";
import { openLeaseStore } from "../ipam/lease-store.ts";
import { isCurrentProcess, processAlive, type ProcessIdentity } from "../lib/process-identity.ts";

/** What the registry knows of a lab. */
export interface LabRecord {
  /** Lab name. */
  readonly lab: string;
  /** The state directory holding its journal and lock. */
  readonly stateDir: string;
  /** The process that owns it, or `null` for a persistent lab (`up({ persist: true })`, `underlay up`). */
  readonly owner: ProcessIdentity | null;
  /** The lease store its addresses came from, if any (released on teardown). */
  readonly leaseStore: string | null;
  /** When it was written (ISO time). */
  readonly at: string;
}

/** The registry directory: fixed, so that no state directory setting hides a lab from another process. */
export const REGISTRY_DIR = "/run/underlay/labs";

/**
 * The registry directory.
 *
 * @example
 * ```ts
 * registryDir(); // "/run/underlay/labs"
 * ```
 */
export function registryDir(): string {
  return REGISTRY_DIR;
}

function recordPath(lab: string): string {
  return join(registryDir(), `${lab}.json`);
}

function parse(text: string): LabRecord | null {
  try {
    const r = JSON.parse(text) as Partial<LabRecord>;
    if (typeof r.lab !== "string" || typeof r.stateDir !== "string") return null;
    const o = r.owner;
    const owner = o !== null && typeof o === "object" && typeof o.pid === "number" ? { pid: o.pid, start: typeof o.start === "number" ? o.start : null, boot: typeof o.boot === "string" ? o.boot : null } : null;
    return { lab: r.lab, stateDir: r.stateDir, owner, leaseStore: typeof r.leaseStore === "string" ? r.leaseStore : null, at: typeof r.at === "string" ? r.at : "" };
  } catch {
    return null;
  }
}

/**
 * The registry's record of a lab, or `null`.
 *
 * @example
 * ```ts
 * readLabRecord("demo")?.owner; // { pid: 4242, start: …, boot: … } or null (persistent)
 * ```
 */
export function readLabRecord(lab: string): LabRecord | null {
  try {
    return parse(readFileSync(recordPath(lab), "utf8"));
  } catch {
    return null;
  }
}

/**
 * Writes (replaces) a lab's record atomically. Best effort where the default state directory
 * cannot be written (a caller with its own `stateDir` and no access to `/run/underlay`).
 *
 * @example
 * ```ts
 * writeLabRecord({ lab: "demo", stateDir: "/run/underlay", owner: currentProcess(), leaseStore: null, at: new Date().toISOString() });
 * ```
 */
export function writeLabRecord(record: LabRecord): void {
  try {
    mkdirSync(registryDir(), { recursive: true });
    const path = recordPath(record.lab);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, path);
  } catch {
    /* the journal in the lab's own state directory still records the owner */
  }
}

/**
 * Removes a lab's record (the lab owns nothing any more).
 *
 * @example
 * ```ts
 * removeLabRecord("demo");
 * ```
 */
export function removeLabRecord(lab: string): void {
  rmSync(recordPath(lab), { force: true });
}

/**
 * Every lab the registry knows.
 *
 * @example
 * ```ts
 * listLabRecords().map((r) => r.lab); // ["demo", "t1"]
 * ```
 */
export function listLabRecords(): LabRecord[] {
  let names: string[];
  try {
    names = readdirSync(registryDir()).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    try {
      const r = parse(readFileSync(join(registryDir(), n), "utf8"));
      return r === null ? [] : [r];
    } catch {
      return [];
    }
  });
}

/**
 * The live process other than this one that owns the lab — by the registry, or by the lab's
 * journal — or `null` when none does (no owner, a persistent lab, a dead owner, or this process).
 *
 * @example
 * ```ts
 * const other = otherLiveOwner("demo", readOwnership(stateDir, "demo").owner);
 * if (other !== null) throw new UnderlayError("IN_USE", `lab demo is in use by process ${other.pid}`);
 * ```
 */
export function otherLiveOwner(lab: string, journalOwner: ProcessIdentity | null | undefined): ProcessIdentity | null {
  for (const owner of [readLabRecord(lab)?.owner ?? null, journalOwner ?? null]) {
    if (owner !== null && processAlive(owner) && !isCurrentProcess(owner)) return owner;
  }
  return null;
}

/**
 * The `IN_USE` error for a lab another live process owns.
 *
 * @example
 * ```ts
 * throw inUse("demo", { pid: 4242, start: 1, boot: null }, "bring it up");
 * ```
 */
export function inUse(lab: string, owner: ProcessIdentity, what: string): UnderlayError {
  return new UnderlayError(
    "IN_USE",
    `lab ${lab} is in use by process ${owner.pid}, which is still running — cannot ${what} under it. Give this lab another name (test fixtures: a name per worker and test), wait for that process to finish, or stop it; a lab whose process is gone is taken over by the next up, and removed by \`underlay gc\``,
    { details: { lab, owner } },
  );
}

/**
 * Whether two owner records name the same process (or both name none).
 *
 * @example
 * ```ts
 * sameOwner(currentProcess(), currentProcess()); // true
 * ```
 */
export function sameOwner(a: ProcessIdentity | null | undefined, b: ProcessIdentity | null | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === null || b === null) return a === b;
  return a.pid === b.pid && a.start === b.start && a.boot === b.boot;
}

/**
 * Forgets a lab that owns nothing any more: removes its record and releases its leases.
 *
 * @example
 * ```ts
 * await forgetLab("demo", "/run/underlay/leases.json");
 * ```
 */
export async function forgetLab(lab: string, leaseStore: string | null): Promise<void> {
  removeLabRecord(lab);
  if (leaseStore !== null) await releaseLab(lab, openLeaseStore(leaseStore));
}
