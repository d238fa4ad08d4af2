/**
 * Reads the live kernel state of some namespaces with as few processes as possible: one
 * `ip -json netns list`, then one `ip -json -details -batch -` per namespace (plus one `sysctl`
 * per namespace when sysctls are asked for), at most `concurrency` at a time, and two processes
 * for any number of files. Nothing is read object by object. When the executor has `runMany`
 * (the local executor's fan-out), the namespace reads go through it: one helper process per lane
 * starts the `ip` processes, instead of this process spawning each one.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { ExecResult, Executor } from "../executor/types.ts";
import { mapLimit } from "../lib/map-limit.ts";
import { splitJsonValues } from "./json-values.ts";
import { asArray, asRecord, str } from "./json-read.ts";
import { checkSysctlKeys, parseSysctl } from "./parse-sysctl.ts";
import { readFiles } from "./read-files.ts";
import { absentNamespace, namespaceCommand, namespaceLabel, namespaceVanished, parseNamespace } from "./read-namespace.ts";
import type { LiveState, NamespaceState } from "./types.ts";

/**
 * Default number of namespaces read at once (the core count of a small CI machine).
 *
 * @example
 * ```ts
 * await observe(executor, namespaces, { concurrency: DEFAULT_CONCURRENCY * 2 });
 * ```
 */
export const DEFAULT_CONCURRENCY = 2;

/** Options of {@link observe}. */
export interface ObserveOptions {
  /** Namespaces read at once (default {@link DEFAULT_CONCURRENCY}). */
  readonly concurrency?: number;
  /**
   * Sysctl keys to read: the same keys in every namespace, or keys per namespace (`null` = the
   * executor's own). Read with one `sysctl` call per namespace.
   */
  readonly sysctl?: readonly string[] | ReadonlyMap<string | null, readonly string[]>;
  /** Files to read (in the executor's own mount namespace). */
  readonly files?: readonly string[];
  /** Keep the unreduced `ip -json` answers in each {@link NamespaceState.raw} (for `dump()`). */
  readonly raw?: boolean;
  /** The named namespaces, when the caller has just listed them (skips `ip netns list`). */
  readonly netns?: ReadonlySet<string>;
}

/**
 * Reads the named namespaces (`null` = the executor's own). A namespace that does not exist is
 * reported with `exists: false`, not as an error.
 *
 * @example
 * ```ts
 * const state = await observe(localExecutor(), [null, "demo-web"], { sysctl: ["net.ipv6.conf.all.accept_ra"] });
 * state.namespaces.get("demo-web")?.addrs.map((a) => a.cidr); // ["127.0.0.1/8", "10.0.0.2/24", …]
 * ```
 */
export async function observe(
  executor: Executor,
  namespaces: readonly (string | null)[],
  options: ObserveOptions = {},
): Promise<LiveState> {
  const wanted = [...new Set(namespaces)];
  for (const ns of wanted) checkNamespaceName(ns);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // A few namespaces are read while the list is taken (one round trip instead of two); one that
  // turns out not to exist answers "vanished" and is reported absent.
  const early = options.netns === undefined && wanted.length <= concurrency;
  const [netns, files, earlyAnswers] = await Promise.all([
    options.netns ?? listNamespaces(executor),
    readFiles(executor, options.files ?? [], concurrency),
    early ? readBatches(executor, wanted, concurrency) : null,
  ]);
  const present = wanted.filter((ns) => ns === null || netns.has(ns));
  const answers = earlyAnswers === null ? await readBatches(executor, present, concurrency) : present.map((ns) => earlyAnswers[wanted.indexOf(ns)]);
  const read = new Map(present.map((ns, i) => [ns, toState(ns, answers[i], options.raw === true)]));
  const withKeys = present.filter((ns) => read.get(ns)?.exists === true && keysFor(options.sysctl, ns).length > 0);
  const sysctls = await mapLimit(withKeys, concurrency, (ns) => readSysctl(executor, ns, keysFor(options.sysctl, ns)));
  withKeys.forEach((ns, i) => {
    const state = read.get(ns);
    const values = sysctls[i];
    if (state !== undefined) read.set(ns, values === null ? absentNamespace(ns) : { ...state, sysctl: values ?? {} });
  });
  const states = wanted.map((ns) => read.get(ns) ?? absentNamespace(ns));
  return { netns, namespaces: new Map(states.map((s) => [s.name, s])), files };
}

/**
 * Runs the per-namespace reads: through the executor's `runMany` fan-out when it has one and
 * there are more namespaces than lanes (one helper process per lane instead of one spawn per
 * namespace from this process), otherwise one `run` each, `concurrency` at a time.
 */
function readBatches(executor: Executor, present: readonly (string | null)[], concurrency: number): Promise<ExecResult[]> {
  const commands = present.map(namespaceCommand);
  if (executor.runMany !== undefined && commands.length > concurrency) return executor.runMany(commands, concurrency);
  return mapLimit(commands, concurrency, (c) => executor.run(c));
}

/**
 * The named namespaces on the machine (`ip -json netns list`), as seen by the executor.
 *
 * @example
 * ```ts
 * (await listNamespaces(localExecutor())).has("demo-web"); // true
 * ```
 */
export async function listNamespaces(executor: Executor): Promise<Set<string>> {
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

function toState(ns: string | null, r: ExecResult | undefined, raw: boolean): NamespaceState {
  if (r === undefined) throw new UnderlayError("EXEC", `reading ${namespaceLabel(ns)}: the executor returned no answer — a bug in its runMany`);
  if (ns !== null && namespaceVanished(r)) return absentNamespace(ns);
  if (r.code !== 0) {
    throw new UnderlayError(
      "EXEC",
      `reading ${namespaceLabel(ns)} failed: ip -batch exited ${r.code}: ${r.stderr.trim()} — check iproute2 (≥ 5.0) and that you are root`,
    );
  }
  return parseNamespace(ns, r.stdout, { raw, stderr: r.stderr });
}

/** One `sysctl KEY…` call; `null` when the namespace vanished meanwhile. */
async function readSysctl(executor: Executor, ns: string | null, keys: readonly string[]): Promise<Record<string, string> | null> {
  const s = await executor.run({ netns: ns, argv: ["sysctl", ...keys] });
  if (ns !== null && namespaceVanished(s)) return null;
  // A key that does not exist is not an error (procps: "cannot stat", busybox: "unknown key"); it is just absent.
  if (s.code !== 0 && s.stdout === "" && !/cannot stat|unknown key|No such file/i.test(s.stderr)) {
    throw new UnderlayError("EXEC", `sysctl in ${namespaceLabel(ns)} exited ${s.code}: ${s.stderr.trim()} — install procps`);
  }
  return parseSysctl(s.stdout);
}

function keysFor(sysctl: ObserveOptions["sysctl"], ns: string | null): readonly string[] {
  if (sysctl === undefined) return [];
  const keys = Array.isArray(sysctl) ? (sysctl as readonly string[]) : ((sysctl as ReadonlyMap<string | null, readonly string[]>).get(ns) ?? []);
  checkSysctlKeys(keys);
  return [...new Set(keys)];
}

function checkNamespaceName(ns: string | null): void {
  if (ns === null) return;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(ns)) {
    throw new UnderlayError(
      "USAGE",
      `namespace name ${JSON.stringify(ns)} is not valid — use letters, digits, '_', '-', '.' (as in /run/netns/<name>), or null for the executor's own namespace`,
    );
  }
}
