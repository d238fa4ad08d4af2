/**
 * Spawns one program (argv, no shell) and times it from spawn to exit with `performance.now()`.
 * Only `node:` builtins, so the baselines run the same under Node, Bun and Deno.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { UnderlayError } from "../../../sdk/errors.ts";

/** Children still running, so a signal handler can stop them before cleaning up. */
const running = new Set<ChildProcess>();
/** Set once {@link stopRunning} was called: cleanup then waits for orphaned grandchildren. */
let stopping = false;

/**
 * Whether {@link stopRunning} has been called (the process is shutting down on a signal).
 *
 * @example
 * ```ts
 * if (isStopping()) await sleep(250); // let an orphaned `ip` finish before listing namespaces
 * ```
 */
export function isStopping(): boolean {
  return stopping;
}

/** Options of {@link exec}. */
export interface ExecOptions {
  /** Data written to the program's standard input (e.g. an `ip -batch -` script). */
  readonly input?: string;
  /** Variables added to the inherited environment (e.g. `CNI_COMMAND`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Throw an `EXEC` error on a non-zero exit code (default `true`). */
  readonly check?: boolean;
}

/** What {@link exec} returns: the exit code, the output and how long the process took. */
export interface Executed {
  /** The argv that ran. */
  readonly argv: readonly string[];
  /** Exit code (0 = success; 128 when killed by a signal). */
  readonly code: number;
  /** The signal that killed the program, or `null` when it exited by itself. */
  readonly signal: NodeJS.Signals | null;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Milliseconds from spawn to exit. */
  readonly ms: number;
}

/**
 * The argv that runs `argv` inside the named network namespace, entered with `nsenter` (whose
 * cost stays flat as namespaces accumulate, unlike `ip -n`, which remounts /sys each call).
 *
 * @example
 * ```ts
 * inNetns("ub3fa9c1-h", ["ip", "-batch", "-"]);
 * // ["nsenter", "--net=/run/netns/ub3fa9c1-h", "--", "ip", "-batch", "-"]
 * ```
 */
export function inNetns(netns: string, argv: readonly string[]): string[] {
  return ["nsenter", `--net=/run/netns/${netns}`, "--", ...argv];
}

/**
 * Runs `argv` and resolves with its output and duration. Rejects with an `UnderlayError` of code
 * `EXEC` when the program cannot start, or (unless `check: false`) when it exits non-zero.
 *
 * @example
 * ```ts
 * const { ms } = await exec(["ip", "-batch", "-"], { input: "netns add ub3fa9c1-e0\n" });
 * ```
 */
export function exec(argv: readonly string[], options: ExecOptions = {}): Promise<Executed> {
  const [program, ...args] = argv;
  if (program === undefined) {
    return Promise.reject(new UnderlayError("EXEC", "empty command: argv must name a program"));
  }
  const env = options.env === undefined ? undefined : { ...process.env, ...options.env };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"], ...(env ? { env } : {}) });
    running.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e: NodeJS.ErrnoException) => {
      running.delete(child);
      const hint = e.code === "ENOENT" ? ` — install ${program} or check PATH` : "";
      reject(new UnderlayError("EXEC", `cannot run ${program}: ${e.message}${hint}`, { cause: e }));
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      const ms = performance.now() - started;
      const done: Executed = {
        argv,
        code: code ?? (signal ? 128 : 1),
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ms,
      };
      if (done.code !== 0 && options.check !== false) {
        const detail = done.stderr.trim() || done.stdout.trim() || "(no output)";
        const how = signal ? `was killed by ${signal}` : `exited with code ${done.code}: ${detail}`;
        const next = signal ? "the run was interrupted" : "check the command above";
        reject(new UnderlayError("EXEC", `${argv.join(" ")} ${how} — ${next}; the sandbox is removed in cleanup`, { details: done }));
        return;
      }
      resolve(done);
    });
    child.stdin.on("error", () => {
      /* the program may exit before reading all input; its exit code tells */
    });
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Stops every child {@link exec} started that is still running (SIGTERM) and resolves once they
 * have exited, or after `timeoutMs`. Used on SIGINT/SIGTERM: the killed commands fail, each
 * run's cleanup removes its sandbox (waiting briefly first, see {@link isStopping}, so an
 * orphaned `ip` started by a killed script cannot create a namespace behind the cleanup).
 *
 * @example
 * ```ts
 * process.once("SIGINT", () => void stopRunning());
 * ```
 */
export async function stopRunning(timeoutMs = 2000): Promise<void> {
  stopping = true;
  const children = [...running];
  const exited = children.map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once("close", () => resolve());
      }),
  );
  for (const child of children) child.kill("SIGTERM");
  await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
}
