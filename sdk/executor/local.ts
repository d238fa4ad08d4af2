/**
 * Local executor: spawns programs directly with argv (no shell). A namespace is entered with
 * `nsenter --net=/run/netns/<ns>`, whose cost stays flat as namespaces accumulate (unlike
 * `ip -n`/`ip netns exec`, which copy the mount table on every call). Uses only `node:` builtins,
 * so it runs unchanged under Node, Bun and Deno.
 * @module
 */
import { spawn } from "node:child_process";
import { UnderlayError } from "../errors.ts";
import type { Command } from "../plan/types.ts";
import type { ExecResult, Executor } from "./types.ts";

/** Options of {@link localExecutor}. */
export interface LocalExecutorOptions {
  /** Directory holding named namespaces (default `/run/netns`). */
  readonly netnsDir?: string;
  /** Called with every command before it runs (for `--verbose`). */
  readonly onCommand?: (command: Command) => void;
}

/** The argv actually spawned for a command: `nsenter --net=… -- argv` inside a namespace. */
export function localArgv(command: Command, netnsDir = "/run/netns"): readonly string[] {
  if (command.netns === null) return command.argv;
  return ["nsenter", `--net=${netnsDir}/${command.netns}`, "--", ...command.argv];
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
export function localExecutor(options: LocalExecutorOptions = {}): Executor {
  const netnsDir = options.netnsDir ?? "/run/netns";
  return {
    name: "local",
    run(command: Command): Promise<ExecResult> {
      options.onCommand?.(command);
      const argv = localArgv(command, netnsDir);
      const [program, ...args] = argv;
      if (program === undefined) {
        return Promise.reject(new UnderlayError("EXEC", "empty command: argv must name a program"));
      }
      return new Promise((resolve, reject) => {
        const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", (e: NodeJS.ErrnoException) => {
          const hint =
            e.code === "ENOENT"
              ? ` — install it (Debian: ${program === "ip" ? "iproute2" : program === "nsenter" ? "util-linux" : program === "ping" ? "iputils-ping" : program}) or check PATH`
              : "";
          reject(new UnderlayError("EXEC", `cannot run ${program}: ${e.message}${hint}`, { cause: e }));
        });
        child.on("close", (code, signal) => {
          resolve({
            code: code ?? (signal ? 128 : 1),
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(err).toString("utf8"),
          });
        });
        child.stdin.on("error", () => {
          /* the program may exit before reading all input; its exit code tells */
        });
        child.stdin.end(command.input ?? "");
      });
    },
  };
}
