/**
 * `exec` and `spawn` in an endpoint: a program run to its end through the lab's executor (any
 * executor), or started and left running as a child of this process (the local executor).
 * @module
 */
import { UnderlayError } from "../errors.ts";
import { livesIn, netnsLink, requireLocal, spawnInNetns } from "../executor/local-spawn.ts";
import type { Command, Executor } from "../executor/types.ts";
import { liveProcess, outputForMessage, shown } from "./process.ts";
import { waitReady } from "./ready.ts";
import type { ExecOptions, ExecOutput, LiveEndpoint, LiveProcess, SpawnOptions } from "./types.ts";

/**
 * Runs `argv` in an endpoint through `executor` and resolves with its exit code and output,
 * whatever the code. A program that outlives `timeoutMs` is stopped and the promise rejects with
 * `TIMEOUT` (its output so far in the message and in `details`).
 *
 * @example
 * ```ts
 * const { code, stdout } = await execIn(localExecutor(), demo.endpoint("cli"), ["ping", "-c", "1", "10.0.0.2"]);
 * ```
 */
export async function execIn(executor: Executor, endpoint: LiveEndpoint, argv: readonly string[], options: ExecOptions = {}): Promise<ExecOutput> {
  if (argv.length === 0) throw new UnderlayError("USAGE", `exec in ${endpoint.name}: argv must name a program, e.g. ["ip", "-br", "addr"], but received []`);
  const command: Command = {
    netns: endpoint.netns,
    argv,
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const r = await executor.run(command);
  if (r.timedOut === true) {
    throw new UnderlayError(
      "TIMEOUT",
      `${endpoint.name}: ${shown(argv)} did not finish within ${options.timeoutMs} ms — stopped it; its output so far:\n${outputForMessage(`${r.stdout}${r.stderr}`)}`,
      { details: { stdout: r.stdout, stderr: r.stderr } },
    );
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts `argv` in an endpoint and leaves it running; resolves once it lives in the endpoint's
 * namespace — with `ready`, once it is ready (or rejects, having stopped it, with its output in
 * the message). Local executor only.
 *
 * @example
 * ```ts
 * const web = await spawnIn(localExecutor(), demo.endpoint("web"), ["python3", "-m", "http.server", "8080"], { ready: { tcp: 8080 } });
 * ```
 */
export async function spawnIn(executor: Executor, endpoint: LiveEndpoint, argv: readonly string[], options: SpawnOptions = {}): Promise<LiveProcess> {
  const dir = requireLocal(executor, `spawn in ${endpoint.name}`);
  const child = await spawnInNetns(
    { netns: endpoint.netns, argv, ...(options.env === undefined ? {} : { env: options.env }), ...(options.cwd === undefined ? {} : { cwd: options.cwd }) },
    dir,
  );
  const p = liveProcess(child, endpoint.name, argv);
  const link = netnsLink(endpoint.netns, dir);
  // Resolve only once the program lives in the endpoint (nsenter has entered it), so that a
  // teardown right after spawn() finds it there: before, it is still in this namespace.
  for (let pause = 1; !livesIn(p.pid, link) && p.exit === null; pause = Math.min(10, pause * 2)) await new Promise((r) => setTimeout(r, pause));
  if (options.ready !== undefined) await waitReady(p, options.ready, options.readyTimeoutMs ?? 10_000, link);
  return p;
}
