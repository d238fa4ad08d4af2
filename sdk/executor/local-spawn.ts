/**
 * Starting a long-running program inside a named network namespace on this machine, as a child
 * of this process: `nsenter --net=/run/netns/<ns> -- argv` (nsenter enters the namespace and
 * replaces itself with the program, so the child's pid is the program's). No `ip netns exec`,
 * which remounts /sys for every program it starts.
 * @module
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { UnderlayError } from "../errors.ts";
import { localNetnsDir } from "./local.ts";
import type { Executor } from "./types.ts";

/** A program to start in a namespace. */
export interface SpawnCommand {
  /** The namespace to run it in. */
  readonly netns: string;
  /** Program and arguments; never a shell string. */
  readonly argv: readonly string[];
  /** Environment variables added to this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working directory. */
  readonly cwd?: string;
}

/**
 * The namespace directory of `executor`, or a `USAGE` error saying that programs can only be
 * left running on this machine.
 *
 * @example
 * ```ts
 * requireLocal(localExecutor(), "spawn"); // "/run/netns"
 * ```
 */
export function requireLocal(executor: Executor, what: string): string {
  const dir = localNetnsDir(executor);
  if (dir === null) {
    throw new UnderlayError(
      "USAGE",
      `${what} needs the local executor (the program runs as a child of this process on this machine) but the lab runs on the ${executor.name} executor — use exec() there, which runs a program to its end through any executor`,
    );
  }
  return dir;
}

/**
 * What `/proc/<pid>/ns/net` links to for a process in the named namespace (`net:[<inode>]`),
 * or `null` when the namespace does not exist.
 *
 * @example
 * ```ts
 * netnsLink("demo-web"); // "net:[4026532281]"
 * ```
 */
export function netnsLink(netns: string, netnsDir = "/run/netns"): string | null {
  try {
    return `net:[${statSync(join(netnsDir, netns)).ino}]`;
  } catch {
    return null;
  }
}

/**
 * Whether process `pid` lives in the namespace whose link is `link` (a freshly spawned child is
 * still in the caller's namespace until `nsenter` has entered the target).
 *
 * @example
 * ```ts
 * livesIn(child.pid, netnsLink("demo-web")); // true once nsenter has entered demo-web
 * ```
 */
export function livesIn(pid: number, link: string | null, procDir = "/proc"): boolean {
  if (link === null) return false;
  try {
    return readlinkSync(join(procDir, String(pid), "ns/net")) === link;
  } catch {
    return false;
  }
}

/**
 * Starts `argv` in a namespace as a child of this process, with piped standard streams.
 * Rejects with `EXEC` when it cannot be started (nsenter missing, namespace gone).
 *
 * @example
 * ```ts
 * const child = await spawnInNetns({ netns: "demo-web", argv: ["sleep", "60"] });
 * ```
 */
export async function spawnInNetns(command: SpawnCommand, netnsDir = "/run/netns"): Promise<ChildProcessWithoutNullStreams> {
  if (command.argv.length === 0) throw new UnderlayError("USAGE", "empty command: argv must name a program, e.g. [\"python3\", \"-m\", \"http.server\"]");
  if (netnsLink(command.netns, netnsDir) === null) {
    throw new UnderlayError("EXEC", `cannot start ${command.argv[0]} in namespace ${command.netns}: ${join(netnsDir, command.netns)} does not exist — is the lab up?`);
  }
  const env: Record<string, string | undefined> = { ...process.env, ...command.env };
  const child = spawn("nsenter", [`--net=${join(netnsDir, command.netns)}`, "--", ...command.argv], {
    stdio: ["pipe", "pipe", "pipe"],
    env,
    ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (e: NodeJS.ErrnoException) =>
      reject(new UnderlayError("EXEC", `cannot start ${command.argv[0]} in ${command.netns}: ${e.message}${e.code === "ENOENT" ? " — install util-linux (nsenter) or check PATH and cwd" : ""}`, { cause: e })),
    );
  });
  child.stdin.on("error", () => {
    /* the program may exit without reading its input */
  });
  return child;
}
