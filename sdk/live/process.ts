/**
 * The handle of a program running in an endpoint: its pid and streams, its captured output,
 * waiting for a line, and stopping it (a signal, then SIGKILL after a grace period).
 * @module
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { UnderlayError } from "../errors.ts";
import { outputLog, type LinePattern } from "./output-log.ts";
import type { LiveProcess, ProcessExit } from "./types.ts";

/**
 * Formats a command line for messages (arguments with blanks or quotes are quoted).
 *
 * @example
 * ```ts
 * shown(["sh", "-c", "exec sleep 30"]); // 'sh -c "exec sleep 30"'
 * ```
 */
export function shown(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/**
 * A program's captured output (its last 40 lines), indented for an error message.
 *
 * @example
 * ```ts
 * outputForMessage("starting\n"); // "  | starting"
 * outputForMessage("");           // "  (no output)"
 * ```
 */
export function outputForMessage(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed === "" ? "  (no output)" : trimmed.split("\n").slice(-40).map((l) => `  | ${l}`).join("\n");
}

/**
 * Wraps a spawned child into a {@link LiveProcess}: output is captured from the start, and
 * `kill()` escalates to SIGKILL when the program ignores the first signal.
 *
 * @example
 * ```ts
 * const p = liveProcess(await spawnInNetns({ netns: "demo-web", argv }), "web", argv);
 * await p.waitForLine("listening");
 * ```
 */
export function liveProcess(child: ChildProcessWithoutNullStreams, endpoint: string, argv: readonly string[]): LiveProcess {
  const log = outputLog();
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (s: string) => log.add("stdout", s));
  child.stderr.on("data", (s: string) => log.add("stderr", s));
  let exit: ProcessExit | null = null;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const pid = child.pid as number;
  const kill = async (signal: NodeJS.Signals = "SIGTERM", graceMs = 1000): Promise<ProcessExit> => {
    if (exit !== null) return exit;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const handle: LiveProcess = {
    pid,
    endpoint,
    argv: Object.freeze([...argv]),
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    output: (stream) => log.text(stream),
    get exit() {
      return exit;
    },
    exited,
    kill,
    waitForLine(pattern: LinePattern, timeoutMs = 10_000): Promise<string> {
      const now = log.find(pattern);
      if (now !== null) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          stop();
        };
        const stop = log.subscribe(() => {
          const line = log.find(pattern);
          if (line !== null) {
            done();
            resolve(line);
          }
        });
        const timer = setTimeout(() => {
          stop();
          reject(new UnderlayError("TIMEOUT", `${endpoint}: ${shown(argv)} printed no line matching ${String(pattern)} within ${timeoutMs} ms — its output so far:\n${outputForMessage(log.text())}`));
        }, timeoutMs);
      });
    },
    async [Symbol.asyncDispose](): Promise<void> {
      await kill();
    },
  };
  return handle;
}
