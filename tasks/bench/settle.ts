/**
 * Waiting for a quiet machine between benchmark runs. Deleting namespaces returns at once, but
 * the kernel tears them down afterwards in a worker (`cleanup_net`): about 0.3–0.7 ms of CPU per
 * endpoint, so up to a few hundred ms after a `down` of N = 500. Whichever method ran next would
 * pay for the previous one's cleanup; a fixed sleep is either too short at large N or wasted at
 * small N. {@link settleCpu} instead waits until the CPUs have been idle for a while.
 * @module
 */
import { readFileSync } from "node:fs";

/** Busy and total jiffies of all CPUs together, from the first line of `/proc/stat`. */
export function cpuTimes(stat: string): { readonly busy: number; readonly total: number } {
  const line = stat.split("\n", 1)[0] ?? "";
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Options of {@link settleCpu}. */
export interface SettleOptions {
  /** Busy share of all CPUs below which an interval counts as quiet (default 0.05). */
  readonly quiet?: number;
  /** Length of one sampling interval in ms (default 100). */
  readonly intervalMs?: number;
  /** Quiet intervals needed in a row (default 2). */
  readonly streak?: number;
  /** Give up waiting after this many ms (default 5000). */
  readonly maxMs?: number;
}

/**
 * Resolves once the machine's CPUs have been quiet for `streak` intervals in a row (or after
 * `maxMs`), with how long it waited and the busy share of the last interval.
 *
 * @example
 * ```ts
 * await runOne();
 * const { waitedMs } = await settleCpu(); // the kernel's namespace cleanup is done
 * ```
 */
export async function settleCpu(options: SettleOptions = {}): Promise<{ readonly waitedMs: number; readonly busy: number }> {
  const quiet = options.quiet ?? 0.05;
  const interval = options.intervalMs ?? 100;
  const streak = options.streak ?? 2;
  const maxMs = options.maxMs ?? 5000;
  const t0 = performance.now();
  let before = cpuTimes(readFileSync("/proc/stat", "utf8"));
  let inRow = 0;
  let busy = 1;
  while (inRow < streak && performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, interval));
    const now = cpuTimes(readFileSync("/proc/stat", "utf8"));
    const total = now.total - before.total;
    busy = total > 0 ? (now.busy - before.busy) / total : 0;
    inRow = busy < quiet ? inRow + 1 : 0;
    before = now;
  }
  return { waitedMs: performance.now() - t0, busy };
}
