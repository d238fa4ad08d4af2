/**
 * qemu as a process: spawned under a tiny `sh` watchdog that kills it with SIGKILL as soon as this
 * process's pipe to it closes (so even a killed Node/Bun/Deno process leaves no qemu behind), and
 * the connection to its agent socket.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tail } from "./console-log.ts";

// Runs qemu and kills it (SIGKILL) as soon as our end of the watchdog's stdin closes — which the
// OS does for us whenever this process dies, however it dies — then removes the socket directory.
// (Its own stderr goes to /dev/null once qemu runs: a "Killed" notice into our closed pipe would
// SIGPIPE it before the cleanup.)
const WATCHDOG = `exec 3<&0
"$0" "$@" </dev/null 3<&- &
q=$!
( while read -r _; do :; done; kill -KILL "$q" 2>/dev/null ) <&3 &
w=$!
exec 3<&- 2>/dev/null
wait "$q"
rc=$?
kill "$w" 2>/dev/null
rm -rf -- "$UNDERLAY_QEMU_DIR"
exit "$rc"`;

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * ```ts
 * await sleep(10);
 * ```
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `check` every `stepMs` until it holds (`true`) or `timeoutMs` has passed (`false`).
 *
 * @example
 * ```ts
 * const gone = await waitFor(() => proc.exited(), 5000, 20);
 * ```
 */
export async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
  return true;
}

/**
 * A spawned qemu under its watchdog.
 *
 * @example
 * ```ts
 * const proc: QemuProcess = spawnQemu("qemu-system-x86_64", args, sockDir);
 * ```
 */
export interface QemuProcess {
  readonly child: ChildProcess;
  /** Set when the watchdog (and so qemu) has exited. */
  exited(): boolean;
  /** qemu's stderr, last lines. */
  stderr(): string;
  /** Resolves with the spawn error, if spawning fails. */
  readonly spawnError: Promise<Error>;
}

/**
 * Starts `qemu args…` under the watchdog, which removes `dir` (the socket directory) when qemu ends.
 *
 * @example
 * ```ts
 * const proc = spawnQemu("qemu-system-x86_64", qemuArgs(input), sockDir);
 * ```
 */
export function spawnQemu(qemu: string, args: readonly string[], dir: string): QemuProcess {
  const child = spawn("sh", ["-c", WATCHDOG, qemu, ...args], {
    stdio: ["pipe", "ignore", "pipe"],
    env: { ...process.env, UNDERLAY_QEMU_DIR: dir },
  });
  let stderr = "";
  let exited = false;
  child.stderr?.on("data", (b: Buffer) => {
    stderr = tail(stderr + b.toString("utf8"), 40);
  });
  child.on("exit", () => {
    exited = true;
  });
  child.stdin?.on("error", () => {
    /* the watchdog is gone; its exit is reported elsewhere */
  });
  const spawnError = new Promise<Error>((resolve) => child.on("error", resolve));
  return { child, exited: () => exited, stderr: () => stderr, spawnError };
}

/**
 * Connects to qemu's agent socket once qemu has made it; the error when it never does.
 *
 * @example
 * ```ts
 * const sock = await connectAgent(join(sockDir, "agent.sock"), proc);
 * if (sock instanceof Error) throw sock;
 * ```
 */
export async function connectAgent(socket: string, proc: QemuProcess): Promise<Socket | Error> {
  // qemu makes the socket (wait=on: the guest starts once we are connected). The file appears at
  // bind(), a moment before listen(): retry refusals briefly.
  const made = await Promise.race([waitFor(() => existsSync(socket) || proc.exited(), 15_000), proc.spawnError]);
  if (made instanceof Error) return made;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(socket, () => resolve(s));
        s.once("error", reject);
      });
    } catch (e) {
      if (Date.now() > deadline || proc.exited()) return e instanceof Error ? e : new Error(String(e));
      await sleep(10);
    }
  }
}
