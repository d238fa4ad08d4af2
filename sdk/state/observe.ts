/**
 * Reads the live kernel state of some namespaces with as little work as possible, through the
 * executor's own reader (netlink, in-process) or, without one, with `ip -json` (one
 * `ip -json -details -batch -` per namespace, fanned out): the list of named namespaces, one dump
 * per namespace, the sysctls asked for, and any files. Nothing is read object by object.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { DumpOptions, Executor, KernelDump, StateReader } from "../executor/types.ts";
import { mapLimit } from "../lib/map-limit.ts";
import { iproute2Reader, listNamespaces } from "./iproute2-reader.ts";
import { absentNamespace, namespaceFromDump } from "./read-namespace.ts";
import type { LiveState, NamespaceState } from "./types.ts";

export { listNamespaces } from "./iproute2-reader.ts";

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
  /** Also name the namespaces each one knows by id ({@link NamespaceState.peers}). */
  readonly peers?: boolean;
  /** Only links are wanted: addresses and routes may come back empty ({@link DumpOptions.linksOnly}). */
  readonly linksOnly?: boolean;
}

/**
 * The reader for an executor: its own, or `ip -json` through it.
 *
 * @example
 * ```ts
 * const names = await readerOf(executor).namespaces();
 * ```
 */
export function readerOf(executor: Executor): StateReader {
  return executor.reader ?? iproute2Reader(executor);
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
export async function observe(executor: Executor, namespaces: readonly (string | null)[], options: ObserveOptions = {}): Promise<LiveState> {
  const reader = readerOf(executor);
  const wanted = [...new Set(namespaces)];
  for (const ns of wanted) checkNamespaceName(ns);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const dumpOptions = { concurrency, ...(options.peers === true ? { peers: true } : {}), ...(options.linksOnly === true ? { linksOnly: true } : {}) };
  // A few namespaces are read while the list is taken (one round trip instead of two); one that
  // turns out not to exist answers "vanished" and is reported absent.
  const early = options.netns === undefined && wanted.length <= concurrency;
  const [netns, files, earlyDumps] = await Promise.all([
    options.netns ?? reader.namespaces(),
    reader.files(options.files ?? []),
    early ? reader.dump(wanted, dumpOptions) : null,
  ]);
  const present = wanted.filter((ns) => ns === null || netns.has(ns));
  const dumps: (KernelDump | null | undefined)[] = earlyDumps === null ? await reader.dump(present, dumpOptions) : present.map((ns) => earlyDumps[wanted.indexOf(ns)]);
  const read = new Map(present.map((ns, i) => [ns, dumps[i] == null ? absentNamespace(ns) : namespaceFromDump(ns, dumps[i] as KernelDump, options.raw === true)]));
  const withKeys = present.filter((ns) => read.get(ns)?.exists === true && keysFor(options.sysctl, ns).length > 0);
  const sysctls = await mapLimit(withKeys, concurrency, (ns) => reader.sysctl(ns, keysFor(options.sysctl, ns)));
  withKeys.forEach((ns, i) => {
    const state = read.get(ns);
    const values = sysctls[i];
    if (state !== undefined) read.set(ns, values === null ? absentNamespace(ns) : { ...state, sysctl: values ?? {} });
  });
  const states: NamespaceState[] = wanted.map((ns) => read.get(ns) ?? absentNamespace(ns));
  return { netns, namespaces: new Map(states.map((s) => [s.name, s])), files };
}

function keysFor(sysctl: ObserveOptions["sysctl"], ns: string | null): readonly string[] {
  if (sysctl === undefined) return [];
  const keys = Array.isArray(sysctl) ? (sysctl as readonly string[]) : ((sysctl as ReadonlyMap<string | null, readonly string[]>).get(ns) ?? []);
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
