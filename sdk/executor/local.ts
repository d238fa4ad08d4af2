/**
 * Local executor: spawns programs directly with argv (no shell). A namespace is entered with
 * `nsenter --net=/run/netns/<ns>`, whose cost stays flat as namespaces accumulate (unlike
 * `ip -n`/`ip netns exec`, which copy the mount table on every call). Uses only `node:` builtins,
 * so it runs unchanged under Node, Bun and Deno.
 * @module
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { UnderlayError } from "../errors.ts";
import { iproute2Executor } from "./iproute2/executor.ts";
import { withLocalFiles } from "./local-files.ts";
import type { Command, ExecResult, Executor } from "./types.ts";

/** The local executor: an {@link Executor} that runs programs on this machine, with named namespaces under `netnsDir`. */
export interface LocalExecutor extends Executor {
  /** Directory holding named namespaces (`/run/netns`): what `live.spawn` and process stopping need. */
  readonly netnsDir: string;
}

/**
 * The namespace directory of an executor that runs programs on this machine, or `null` for any
 * other executor (qemu guest, recording): what spawning programs in endpoints and stopping them
 * at teardown need, since both work on this machine's processes.
 *
 * @example
 * ```ts
 * localNetnsDir(localExecutor());    // "/run/netns"
 * localNetnsDir(recordingExecutor()); // null
 * ```
 */
export function localNetnsDir(executor: Executor): string | null {
  const dir = (executor as Partial<LocalExecutor>).netnsDir;
  return typeof dir === "string" ? dir : null;
}

/** Options of {@link localExecutor}. */
export interface LocalExecutorOptions {
  /** Directory holding named namespaces (default `/run/netns`). */
  readonly netnsDir?: string;
  /** Called with every command before it runs (for `--verbose`). */
  readonly onCommand?: (command: Command) => void;
  /**
   * Fan many namespace batches out through one small `sh` per lane (default `true`): the script
   * is a constant and names and batch lines reach it only as arguments. `false` spawns one
   * `nsenter … ip -batch -` per namespace directly, with no shell at all (slower from a large
   * runtime process).
   */
  readonly fanOut?: boolean;
}

/** The argv actually spawned for a command: `nsenter --net=… -- argv` inside a namespace. */
export function localArgv(command: Command, netnsDir = "/run/netns"): readonly string[] {
  if (command.netns === null) return command.argv;
  return ["nsenter", `--net=${netnsDir}/${command.netns}`, "--", ...command.argv];
}

/**
 * The constant fan-out script. Its arguments are the namespace directory, then triples of
 * (namespace, or the empty string for the caller's, ip option words such as `-json`, batch text); for each triple it feeds the
 * text to `ip <options> -batch -` inside the namespace through a here-document (no extra fork),
 * then prints the merged output, a record separator and the exit code. Names and batch lines
 * arrive only as arguments; the script itself never changes.
 */
export const FAN_OUT_SCRIPT = [
  "set -f",
  'd=$1; shift',
  // Resolve ip once: nsenter would otherwise walk PATH with failing execs for every namespace.
  'ip=$(command -v ip) || ip=ip',
  'while [ $# -ge 3 ]; do',
  '  ns=$1; f=$2; b=$3; shift 3',
  '  if [ -z "$ns" ]; then "$ip" $f -batch - 2>&1 <<UNDERLAY_EOF',
  '$b',
  'UNDERLAY_EOF',
  '  else nsenter --net="$d/$ns" -- "$ip" $f -batch - 2>&1 <<UNDERLAY_EOF',
  '$b',
  'UNDERLAY_EOF',
  '  fi',
  "  printf '\\036%s\\n' \"$?\"",
  'done',
].join("\n");

/** At most this many bytes of batch text go to one fan-out process (argument space is limited). */
const FAN_OUT_MAX_BYTES = 512 * 1024;
/** At most this many namespaces go to one fan-out process, so each result's time is its own group's. */
const FAN_OUT_MAX_NAMESPACES = 64;

/** `ip [-flag…] -batch -` with input: what the fan-out can run (flags are plain option words). */
function batchFlags(c: Command): string[] | null {
  const n = c.argv.length;
  if (n < 3 || c.argv[0] !== "ip" || c.argv[n - 2] !== "-batch" || c.argv[n - 1] !== "-" || c.input === undefined) return null;
  if (c.env !== undefined || c.cwd !== undefined || c.timeoutMs !== undefined) return null;
  const flags = c.argv.slice(1, n - 2);
  return flags.every((f) => /^-[a-z0-9]+$/.test(f)) ? flags : null;
}

const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/**
 * Parses the fan-out script's output into one result per namespace (stdout and stderr merged
 * into stderr on failure; a program killed by a signal carries its name in `signal`).
 *
 * @example
 * ```ts
 * parseFanOut("[]\n\u001e0\nKilled\n\u001e137\n", 2);
 * // [{ code: 0, stdout: "[]\n", stderr: "" }, { code: 137, stdout: "", stderr: "Killed\n", signal: "SIGKILL" }]
 * ```
 */
export function parseFanOut(out: string, count: number): ExecResult[] {
  const results: ExecResult[] = [];
  let rest = out;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf("\u001e");
    if (at === -1) break;
    const nl = rest.indexOf("\n", at);
    const text = rest.slice(0, at);
    const code = Number(rest.slice(at + 1, nl === -1 ? undefined : nl));
    rest = nl === -1 ? "" : rest.slice(nl + 1);
    // The shell reports a program killed by signal n as 128 + n.
    const signal = code > 128 ? signalNames.get(code - 128) : undefined;
    results.push({ code, stdout: code === 0 ? text : "", stderr: code === 0 ? "" : text, ...(signal === undefined ? {} : { signal }) });
  }
  return results;
}

/**
 * Creates an executor that runs commands on this machine.
 *
 * @example
 * ```ts
 * const ex = localExecutor();
 * const { stdout } = await ex.run({ netns: null, argv: ["ip", "-json", "link"] });
 * ```
 */
export function localExecutor(options: LocalExecutorOptions = {}): LocalExecutor {
  const netnsDir = options.netnsDir ?? "/run/netns";
  const runMany = async (commands: readonly Command[], concurrency: number): Promise<ExecResult[]> => {
    const results: ExecResult[] = new Array(commands.length);
    const batches: number[] = [];
    const singles: number[] = [];
    commands.forEach((c, i) => (batchFlags(c) !== null && (c.input ?? "").split("\n").some((l) => l !== "") ? batches : singles).push(i));
    const lanes = Math.max(1, Math.min(concurrency, batches.length));
    const groups: number[][] = Array.from({ length: lanes }, () => []);
    batches.forEach((i, k) => groups[k % lanes]?.push(i));
    const runGroup = async (group: number[]): Promise<void> => {
      // Split a lane into processes whose arguments stay well inside the kernel's limits.
      for (let from = 0; from < group.length; ) {
        const args: string[] = [];
        const part: number[] = [];
        let bytes = 0;
        while (from < group.length && (part.length === 0 || (bytes < FAN_OUT_MAX_BYTES && part.length < FAN_OUT_MAX_NAMESPACES))) {
          const i = group[from++] as number;
          const c = commands[i] as Command;
          const text = (c.input ?? "").replace(/\n+$/, "");
          options.onCommand?.(c);
          // The caller's namespace is the empty string, which no namespace can be named.
          args.push(c.netns ?? "", (batchFlags(c) ?? []).join(" "), text);
          part.push(i);
          bytes += text.length + 64;
        }
        const t0 = performance.now();
        const r = await run({ netns: null, argv: ["sh", "-c", FAN_OUT_SCRIPT, "underlay-fan-out", netnsDir, ...args] });
        const ms = (performance.now() - t0) / part.length;
        const parsed = parseFanOut(r.stdout, part.length);
        part.forEach((i, k) => {
          const one = parsed[k] ?? { code: r.code === 0 ? 1 : r.code, stdout: "", stderr: `fan-out stopped before this namespace: ${r.stderr.trim() || "no answer"}`, ...(r.signal === undefined ? {} : { signal: r.signal }) };
          results[i] = { ...one, ms };
        });
      }
    };
    await Promise.all([
      ...groups.map(runGroup),
      ...singles.map(async (i) => {
        results[i] = await run(commands[i] as Command);
      }),
    ]);
    return results;
  };
  const run = (command: Command): Promise<ExecResult> => {
    options.onCommand?.(command);
    const argv = localArgv(command, netnsDir);
    const [program, ...args] = argv;
    if (program === undefined) {
      return Promise.reject(new UnderlayError("EXEC", "empty command: argv must name a program"));
    }
    return new Promise((resolve, reject) => {
      // The C locale: messages the runner reads (nsenter's, sysctl's) come in one language, and
      // programs skip loading locale files (about 4% of each nsenter + ip start).
      const env = { ...process.env, LC_ALL: "C", ...command.env };
      const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"], env, ...(command.cwd === undefined ? {} : { cwd: command.cwd }) });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let settled = false;
      const timers: ReturnType<typeof setTimeout>[] = [];
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        const result: ExecResult = {
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
          ...(signal === null ? {} : { signal }),
        };
        resolve(timedOut ? { ...result, timedOut } : result);
      };
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (e: NodeJS.ErrnoException) => {
        for (const t of timers) clearTimeout(t);
        const hint =
          e.code === "ENOENT"
            ? ` — install it (Debian: ${program === "ip" ? "iproute2" : program === "nsenter" ? "util-linux" : program === "ping" ? "iputils-ping" : program}) or check PATH`
            : "";
        reject(new UnderlayError("EXEC", `cannot run ${program}: ${e.message}${hint}`, { cause: e }));
      });
      child.on("close", finish);
      if (command.timeoutMs !== undefined) {
        timers.push(
          setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
            timers.push(setTimeout(() => child.kill("SIGKILL"), 1000));
          }, command.timeoutMs),
        );
        // A program stopped for its timeout may have left children holding its output open:
        // answer once it has exited and its output had a moment to drain.
        child.on("exit", (code, signal) => {
          if (timedOut) timers.push(setTimeout(() => finish(code, signal), 100));
        });
      }
      child.stdin.on("error", () => {
        /* the program may exit before reading all input; its exit code tells */
      });
      child.stdin.end(command.input ?? "");
    });
  };
  const netnsDirOf = { netnsDir };
  const executor = iproute2Executor(options.fanOut === false ? { name: "local", ...netnsDirOf, run } : { name: "local", ...netnsDirOf, run, runMany });
  // Hosts files are written and removed in-process: no `sh` per step.
  return { ...executor, apply: withLocalFiles(executor.apply) };
}
