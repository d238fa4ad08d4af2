/**
 * A per-lab lock: two `up`/`down` of the same lab never interleave; different labs run side by
 * side. Built on the shared lock file of `lib/file-lock.ts`; a lab's lock is only ever taken
 * over when its holder is gone (never for age: an `up` of thousands of endpoints takes a while).
 * @module
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { acquireFileLock, type HeldLock } from "../lib/file-lock.ts";

/** A held lab lock; release it when done. */
export type LabLock = HeldLock;

/**
 * Takes the lab's lock, waiting up to `waitMs` (default 30 s) for another holder.
 *
 * @example
 * ```ts
 * const lock = await lockLab("/run/underlay", "demo");
 * try { … } finally { await lock.release(); }
 * ```
 */
export async function lockLab(stateDir: string, lab: string, waitMs = 30_000): Promise<LabLock> {
  mkdirSync(stateDir, { recursive: true });
  return acquireFileLock(join(stateDir, `${lab}.lock`), { timeoutMs: waitMs, staleMs: null, onTimeout: { code: "LOCKED", what: `lab ${lab}` } });
}
