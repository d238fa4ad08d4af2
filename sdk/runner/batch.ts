/**
 * Turns a phase's ops into as few processes as possible: consecutive `ip` commands in the same
 * namespace become one `ip -batch -`; everything else runs alone. Also reads which batch line
 * failed from iproute2's answer (`Command failed -:N`).
 * @module
 */
import type { Command } from "../plan/types.ts";

/**
 * Lines per `ip -batch` process at most: long runs (thousands of `netns add`) are split so that a
 * failure, and the time, can be told per slice; each extra process costs about 2 ms.
 */
export const MAX_BATCH_LINES = 128;

/** A unit of execution: one process running one or more commands. */
export interface Chunk<T extends Command> {
  /** Namespace the process runs in. */
  readonly netns: string | null;
  /** The commands, in order. */
  readonly items: readonly T[];
  /** The single process that runs them. */
  readonly command: Command;
}

function isIp(c: Command): boolean {
  return c.argv[0] === "ip" && c.input === undefined;
}

/** Escapes one argument for an `ip -batch` line (iproute2 splits on blanks and honours double quotes). */
function batchArg(a: string): string {
  return /^[^\s"\\#]+$/.test(a) ? a : `"${a.replace(/(["\\])/g, "\\$1")}"`;
}

/** The `ip -batch` line of an `ip` command (argv without the leading `ip`). */
export function batchLine(c: Command): string {
  return c.argv.slice(1).map(batchArg).join(" ");
}

/**
 * Groups commands by namespace (keeping each namespace's order) and packs consecutive `ip`
 * commands of a namespace into one `ip -batch -` process.
 *
 * @example
 * ```ts
 * chunk([{ netns: "a", argv: ["ip", "link", "set", "lo", "up"] }, { netns: "a", argv: ["ip", "addr", "add", "10.0.0.2/24", "dev", "eth0"] }]);
 * // one chunk: ip -batch - with two lines, run in namespace a
 * ```
 */
export function chunk<T extends Command>(commands: readonly T[], maxLines: number = MAX_BATCH_LINES): Chunk<T>[][] {
  const byNs = new Map<string | null, T[]>();
  for (const c of commands) {
    const list = byNs.get(c.netns);
    if (list === undefined) byNs.set(c.netns, [c]);
    else list.push(c);
  }
  const lanes: Chunk<T>[][] = [];
  for (const [netns, list] of byNs) {
    const lane: Chunk<T>[] = [];
    let run: T[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      const items = run;
      run = [];
      if (items.length === 1) {
        lane.push({ netns, items, command: items[0] as T });
      } else {
        lane.push({ netns, items, command: { netns, argv: ["ip", "-batch", "-"], input: `${items.map(batchLine).join("\n")}\n` } });
      }
    };
    for (const c of list) {
      if (isIp(c)) {
        if (run.length >= maxLines) flush();
        run.push(c);
      } else {
        flush();
        lane.push({ netns, items: [c], command: c });
      }
    }
    flush();
    lanes.push(lane);
  }
  return lanes;
}

/**
 * The 1-based line that failed in an `ip -batch` run, from its stderr, or `null` when the
 * answer names no line.
 */
export function failedBatchLine(stderr: string): number | null {
  const m = /Command failed [^:\n]*:(\d+)/.exec(stderr);
  return m === null || m[1] === undefined ? null : Number(m[1]);
}

/**
 * The failed lines of an `ip -force -batch` run (which goes on past errors and reports each
 * failed line), each with the error text printed before its `Command failed` trailer. When the
 * run failed without naming any line, every line is blamed with the whole stderr.
 *
 * @example
 * ```ts
 * forcedFailures("Cannot remove namespace file \"/run/netns/x\": No such file or directory\nCommand failed -:2\n", 1, 3);
 * // Map { 2 => 'Cannot remove namespace file "/run/netns/x": No such file or directory' }
 * ```
 */
export function forcedFailures(stderr: string, code: number, lines: number): Map<number, string> {
  const bad = new Map<number, string>();
  if (code === 0) return bad;
  if (lines === 1) return bad.set(1, stderr.trim());
  let pending: string[] = [];
  for (const l of stderr.split("\n")) {
    const n = failedBatchLine(l);
    if (n === null) {
      if (l.trim() !== "") pending.push(l.trim());
    } else {
      bad.set(n, pending.join(" "));
      pending = [];
    }
  }
  if (bad.size === 0) for (let i = 1; i <= lines; i++) bad.set(i, stderr.trim());
  return bad;
}

/** The part of a batch's stderr that belongs to the failed line (drops the `Command failed` trailer). */
export function batchError(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.trim() !== "" && !/^Command failed /.test(l))
    .join("\n");
}

/**
 * Runs async jobs with at most `limit` at a time; resolves when all have settled.
 *
 * @example
 * ```ts
 * await bounded(jobs, 2);
 * ```
 */
export async function bounded<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i] as () => Promise<T>;
      try {
        results[i] = { status: "fulfilled", value: await job() };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  return results;
}
