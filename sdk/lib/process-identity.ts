/**
 * Who a process is, robustly: its pid, its start time (clock ticks after boot, from
 * `/proc/<pid>/stat`) and the boot it belongs to (`/proc/sys/kernel/random/boot_id`). A pid alone
 * is reused by the kernel; the three together name one process for the lifetime of the machine.
 * @module
 */
import { readFileSync } from "node:fs";
import { pidAlive } from "./file-lock.ts";

/** One process, as recorded in a journal or a lab record. */
export interface ProcessIdentity {
  /** Process id. */
  readonly pid: number;
  /** Start time in clock ticks after boot (field 22 of `/proc/<pid>/stat`), or `null` where unknown. */
  readonly start: number | null;
  /** Boot id of the machine it ran on, or `null` where unknown. */
  readonly boot: string | null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/**
 * The start time of `pid` (clock ticks after boot), or `null` when the process does not exist.
 *
 * @example
 * ```ts
 * processStart(process.pid); // 123456
 * ```
 */
export function processStart(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = Number(fields[19]);
  return Number.isFinite(start) ? start : null;
}

let bootId: string | null | undefined;
/**
 * This machine's boot id, or `null` where the kernel does not tell.
 *
 * @example
 * ```ts
 * currentBoot(); // "0f3c…"
 * ```
 */
export function currentBoot(): string | null {
  bootId ??= read("/proc/sys/kernel/random/boot_id")?.trim() ?? null;
  return bootId;
}

/**
 * The identity of this process.
 *
 * @example
 * ```ts
 * const me = currentProcess(); // { pid: 4242, start: 123456, boot: "0f3c…" }
 * ```
 */
export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, start: processStart(process.pid), boot: currentBoot() };
}

/**
 * Whether the process still runs: same boot, the pid exists, and it started when recorded (a
 * reused pid is another process).
 *
 * @example
 * ```ts
 * processAlive(currentProcess()); // true
 * processAlive({ pid: 4242, start: 1, boot: "elsewhere" }); // false
 * ```
 */
export function processAlive(p: ProcessIdentity): boolean {
  const boot = currentBoot();
  if (p.boot !== null && boot !== null && p.boot !== boot) return false;
  if (!pidAlive(p.pid)) return false;
  if (p.start === null) return true;
  const start = processStart(p.pid);
  return start === null ? true : start === p.start;
}

/**
 * Whether `p` is this very process.
 *
 * @example
 * ```ts
 * isCurrentProcess(currentProcess()); // true
 * ```
 */
export function isCurrentProcess(p: ProcessIdentity): boolean {
  const me = currentProcess();
  return p.pid === me.pid && (p.start === null || p.start === me.start) && (p.boot === null || p.boot === me.boot);
}
