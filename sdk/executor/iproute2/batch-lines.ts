/**
 * `ip -batch` text: turns commands into as few processes as possible (consecutive `ip` commands
 * in one namespace become one `ip -batch -`; everything else runs alone), and reads which line
 * failed from iproute2's answer (`Command failed -:N`) — or, where iproute2 stops without naming
 * it (an argument it cannot parse ends the process), from the argument its message quotes.
 * @module
 */
import type { Command } from "../types.ts";

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
 * Packs one namespace's commands into processes: consecutive `ip` commands (at most `maxLines`)
 * become one `ip -batch -` (`ip -force -batch -` with `force`, which goes on past failed lines);
 * anything else — and a lone `ip` command — runs as itself.
 *
 * @example
 * ```ts
 * pack("a", [{ netns: "a", argv: ["ip", "link", "set", "lo", "up"] }, { netns: "a", argv: ["ip", "addr", "add", "10.0.0.2/24", "dev", "eth0"] }], false);
 * // one chunk: ip -batch - with two lines, run in namespace a
 * ```
 */
export function pack<T extends Command>(netns: string | null, commands: readonly T[], force: boolean, maxLines: number = MAX_BATCH_LINES): Chunk<T>[] {
  const chunks: Chunk<T>[] = [];
  let run: T[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const items = run;
    run = [];
    if (items.length === 1) chunks.push({ netns, items, command: items[0] as T });
    else chunks.push({ netns, items, command: { netns, argv: force ? ["ip", "-force", "-batch", "-"] : ["ip", "-batch", "-"], input: `${items.map(batchLine).join("\n")}\n` } });
  };
  for (const c of commands) {
    if (isIp(c)) {
      if (run.length >= maxLines) flush();
      run.push(c);
    } else {
      flush();
      chunks.push({ netns, items: [c], command: c });
    }
  }
  flush();
  return chunks;
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
 * The 0-based line that an answer naming no line most likely failed at: the first line holding an
 * argument that the error message quotes (iproute2 quotes what it cannot parse:
 * `Error: any valid prefix is expected rather than "10.0.0.999/24".`), or `null`.
 *
 * @example
 * ```ts
 * inferFailedLine('Error: inet prefix is expected rather than "10.0.0.999/24".', [["ip", "link", "set", "lo", "up"], ["ip", "addr", "add", "10.0.0.999/24", "dev", "eth0"]]); // 1
 * ```
 */
export function inferFailedLine(stderr: string, lines: readonly (readonly string[])[]): number | null {
  const quoted = [...stderr.matchAll(/"([^"\n]+)"/g)].map((m) => m[1] as string);
  for (const token of quoted) {
    const at = lines.findIndex((argv) => argv.includes(token));
    if (at !== -1) return at;
  }
  return null;
}
