/**
 * The state reader of executors that run programs: `ip -json` through `run` (one
 * `ip -json -details -batch -` per namespace, through the executor's `runMany` fan-out when there
 * are more namespaces than lanes), `sysctl` for sysctls, `stat` + `cat` for files.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Command, ExecResult, Executor, KernelDump, StateReader } from "../executor/types.ts";
import { mapLimit } from "../lib/map-limit.ts";
import { splitJsonValues } from "./json-values.ts";
import { asArray, asRecord, str } from "./json-read.ts";
import { checkSysctlKeys } from "../lib/canonical.ts";
import { parseSysctl } from "./parse-sysctl.ts";
import { readFiles } from "./read-files.ts";
import { dumpFromOutput, namespaceCommand, namespaceLabel, namespaceVanished } from "./read-namespace.ts";

/**
 * The named namespaces on the machine (`ip -json netns list`), as seen by the executor.
 *
 * @example
 * ```ts
 * (await listNamespaces(localExecutor())).has("demo-web"); // true
 * ```
 */
export async function listNamespaces(executor: Pick<Executor, "run">): Promise<Set<string>> {
  const r = await executor.run({ netns: null, argv: ["ip", "-json", "netns", "list"] });
  if (r.code !== 0) {
    throw new UnderlayError("EXEC", `ip netns list exited ${r.code}: ${r.stderr.trim()} — check that iproute2 is installed`);
  }
  const names = new Set<string>();
  for (const value of splitJsonValues(r.stdout)) {
    for (const entry of asArray(value, "ip netns list")) {
      const name = str(asRecord(entry, "ip netns list entry"), "name");
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

/** How many times a read that a signal cut short is run again before it counts as failed. */
const REREADS = 5;

/**
 * Runs the reads, and again those that a signal cut short inside a namespace, until they finish,
 * fail otherwise, or find the namespace gone. Another process's teardown of a namespace stops
 * whatever runs inside it — this reader's `ip` included — before it deletes the namespace, so a
 * killed read says nothing about the namespace: read it again (by then it is gone, or still there
 * and readable).
 */
async function readSurvivingTeardowns(commands: readonly Command[], runAll: (commands: readonly Command[]) => Promise<ExecResult[]>): Promise<ExecResult[]> {
  const out = await runAll(commands);
  for (let round = 1, pause = 5; round <= REREADS; round++, pause *= 2) {
    const killed = commands.flatMap((c, i) => (c.netns !== null && out[i]?.signal !== undefined && out[i]?.timedOut !== true ? [i] : []));
    if (killed.length === 0) break;
    await new Promise((r) => setTimeout(r, pause));
    const again = await runAll(killed.map((i) => commands[i] as Command));
    killed.forEach((i, k) => {
      const a = again[k];
      if (a !== undefined) out[i] = a;
    });
  }
  return out;
}

function toDump(ns: string | null, r: ExecResult | undefined, peers: boolean): KernelDump | null {
  if (r === undefined) throw new UnderlayError("EXEC", `reading ${namespaceLabel(ns)}: the executor returned no answer — a bug in its runMany`);
  if (ns !== null && namespaceVanished(r)) return null;
  if (r.code !== 0 && r.signal !== undefined && r.timedOut !== true && ns !== null) {
    throw new UnderlayError("EXEC", `reading ${namespaceLabel(ns)} failed: ip -batch was killed by ${r.signal} ${REREADS + 1} times in a row — something keeps stopping the processes in that namespace (another process tearing it down?)`);
  }
  if (r.code !== 0) {
    throw new UnderlayError("EXEC", `reading ${namespaceLabel(ns)} failed: ip -batch exited ${r.code}: ${r.stderr.trim()} — check iproute2 (≥ 5.0) and that you are root`);
  }
  return dumpFromOutput(ns, r.stdout, { stderr: r.stderr, peers });
}

/**
 * The reader that runs `ip`, `sysctl`, `stat` and `cat` through an executor.
 *
 * @example
 * ```ts
 * const reader = executor.reader ?? iproute2Reader(executor);
 * const [web] = await reader.dump(["demo-web"], { concurrency: 2 });
 * ```
 */
export function iproute2Reader(executor: Pick<Executor, "run" | "runMany">): StateReader {
  return {
    namespaces: () => listNamespaces(executor),
    async dump(namespaces, options) {
      const runAll = (commands: readonly Command[]): Promise<ExecResult[]> =>
        executor.runMany !== undefined && commands.length > options.concurrency
          ? executor.runMany(commands, options.concurrency)
          : mapLimit(commands, options.concurrency, (c) => executor.run(c));
      const commands = namespaces.map((ns) => namespaceCommand(ns, options.peers === true));
      const answers = await readSurvivingTeardowns(commands, runAll);
      // A read that failed in a namespace that is gone now was cut short by its teardown: the
      // namespace vanished.
      const failed = namespaces.filter((ns, i) => ns !== null && answers[i] !== undefined && answers[i].code !== 0 && !namespaceVanished(answers[i]));
      const left = failed.length === 0 ? null : await listNamespaces(executor);
      return namespaces.map((ns, i) => (ns !== null && left !== null && failed.includes(ns) && !left.has(ns) ? null : toDump(ns, answers[i], options.peers === true)));
    },
    async sysctl(netns, keys) {
      checkSysctlKeys(keys);
      const [s] = (await readSurvivingTeardowns([{ netns, argv: ["sysctl", ...keys] }], (cs) => Promise.all(cs.map((c) => executor.run(c))))) as [ExecResult];
      if (netns !== null && namespaceVanished(s)) return null;
      // A key that does not exist is not an error (procps: "cannot stat", busybox: "unknown key"); it is just absent.
      if (s.code !== 0 && s.stdout === "" && !/cannot stat|unknown key|No such file/i.test(s.stderr)) {
        throw new UnderlayError("EXEC", `sysctl in ${namespaceLabel(netns)} exited ${s.code}: ${s.stderr.trim()} — install procps`);
      }
      return parseSysctl(s.stdout);
    },
    files: (paths) => readFiles(executor, paths),
  };
}
