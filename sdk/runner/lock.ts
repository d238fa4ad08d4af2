/**
 * A per-lab lock: an exclusive lock file holding the owner's pid. Two `up`/`down` of the same lab
 * never interleave; different labs run side by side. A lock whose process is gone is taken over.
 * @module
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { UnderlayError } from "../errors.ts";

/** A held lock; release it when done. */
export interface LabLock {
  /** Releases the lock (idempotent). */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryTake(path: string): boolean {
  try {
    const fd = openSync(path, "wx");
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    let pid = NaN;
    try {
      pid = Number(readFileSync(path, "utf8").trim());
    } catch {
      return false; // being replaced right now; retry
    }
    if (Number.isFinite(pid) && pid > 0 && !alive(pid)) {
      rmSync(path, { force: true });
      return false;
    }
    return false;
  }
}

/**
 * Takes the lab's lock, waiting up to `waitMs` (default 30 s) for another holder.
 *
 * @example
 * ```ts
 * const lock = await lockLab("/run/underlay", "demo");
 * try { … } finally { lock.release(); }
 * ```
 */
export async function lockLab(stateDir: string, lab: string, waitMs = 30_000): Promise<LabLock> {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, `${lab}.lock`);
  const deadline = Date.now() + waitMs;
  let delay = 5;
  while (!tryTake(path)) {
    if (Date.now() > deadline) {
      let holder = "another process";
      try {
        holder = `process ${readFileSync(path, "utf8").trim()}`;
      } catch {
        /* gone meanwhile */
      }
      throw new UnderlayError("LOCKED", `lab ${lab} is locked by ${holder} (${path}) — wait for it to finish, or remove the file if that process is gone`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
  let held = true;
  return {
    release(): void {
      if (held) rmSync(path, { force: true });
      held = false;
    },
  };
}
