/**
 * Full, normalised snapshots of namespaces, for before/after comparisons (fault injection:
 * "after a failed apply and its rollback, the machine is exactly as before"). A dump keeps
 * everything `ip -json -details` prints — links, addresses, routes of every table — except the
 * {@link IGNORED_FIELDS} that change by themselves, sorted so that equal states dump equal.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Executor } from "../executor/types.ts";
import { ignoredObject, withoutIgnored } from "./ignored-fields.ts";
import { asRecord, str } from "./json-read.ts";
import { observe, readerOf } from "./observe.ts";
import { namespaceLabel } from "./read-namespace.ts";
import type { NamespaceState } from "./types.ts";

import { addrKey, linkKey, routeKey } from "./dump-shape.ts";
import type { NamespaceDump, StateDump } from "./dump-shape.ts";

export { IGNORED_FIELDS, type IgnoredField } from "./ignored-fields.ts";
export { compareDumps, type DumpComparison } from "./compare-dumps.ts";
export { addrKey, linkKey, routeKey, type DumpObject, type NamespaceDump, type StateDump } from "./dump-shape.ts";

/** Which namespaces {@link dump} covers. */
export interface DumpOptions {
  /** Only named namespaces whose name starts with this (a test's own sandbox). */
  readonly prefix?: string;
  /**
   * Include the executor's own namespace (default `true`), or only those of its links whose
   * ifalias starts with `marked` (and their addresses and routes) — on a shared machine, other
   * software changes the caller's namespace all the time; a test compares only what is its own.
   */
  readonly includeCaller?: boolean | { readonly marked: string };
  /** Namespaces read at once (default 2). */
  readonly concurrency?: number;
}

/**
 * Dumps every named namespace (or those starting with `prefix`) plus, unless told otherwise, the
 * executor's own namespace; or exactly the namespaces listed.
 *
 * @example
 * ```ts
 * const before = await dump(executor, { prefix: sandbox });
 * await faultyApply();
 * const { equal, differences } = compareDumps(before, await dump(executor, { prefix: sandbox }));
 * ```
 */
export async function dump(executor: Executor, selection: readonly (string | null)[] | DumpOptions = {}): Promise<StateDump> {
  const all = await readerOf(executor).namespaces();
  let wanted: (string | null)[];
  let listed: string[];
  let concurrency: number | undefined;
  if (isList(selection)) {
    wanted = [...selection];
    listed = [...all].filter((n) => selection.includes(n));
  } else {
    const prefix = selection.prefix ?? "";
    listed = [...all].filter((n) => n.startsWith(prefix));
    wanted = [...(selection.includeCaller === false ? [] : [null]), ...listed];
    concurrency = selection.concurrency;
  }
  const marked = !isList(selection) && typeof selection.includeCaller === "object" ? selection.includeCaller.marked : null;
  const state = await observe(executor, wanted, { raw: true, netns: all, ...(concurrency === undefined ? {} : { concurrency }) });
  const namespaces = [...state.namespaces.values()].filter((n) => n.exists).map((n) => (n.name === null && marked !== null ? onlyMarked(dumpNamespace(n), marked) : dumpNamespace(n)));
  namespaces.sort((a, b) => (a.name === b.name ? 0 : a.name === null ? -1 : b.name === null ? 1 : a.name < b.name ? -1 : 1));
  return { netns: listed.sort(), namespaces };
}

/**
 * Normalises one observed namespace (observed with `raw: true`) into its dump.
 *
 * @example
 * ```ts
 * const state = await observe(executor, ["demo-web"], { raw: true });
 * dumpNamespace(state.namespaces.get("demo-web")!).links.map((l) => l.ifname); // ["eth0", "lo"]
 * ```
 */
export function dumpNamespace(ns: NamespaceState): NamespaceDump {
  const raw = ns.raw;
  if (raw === undefined) {
    throw new UnderlayError("USAGE", `${namespaceLabel(ns.name)} was observed without raw output — observe it with { raw: true } to dump it`);
  }
  const links = raw.links.map((l) => withoutIgnored("link", asRecord(l, "link")));
  const addrs: Record<string, unknown>[] = [];
  for (const entry of raw.addrs) {
    const link = asRecord(entry, "addr entry");
    const dev = str(link, "ifname") ?? "?";
    const infos = Array.isArray(link["addr_info"]) ? (link["addr_info"] as unknown[]) : [];
    for (const info of infos) addrs.push({ dev, ...withoutIgnored("addr", asRecord(info, "addr_info")) });
  }
  const routes = [
    ...raw.routes4.map((r) => ({ family: 4, ...withoutIgnored("route", asRecord(r, "route")) })),
    ...raw.routes6.map((r) => ({ family: 6, ...withoutIgnored("route", asRecord(r, "route")) })),
  ].filter((r) => !ignoredObject("route", r));
  return {
    name: ns.name,
    links: sortBy(links, linkKey),
    addrs: sortBy(addrs, (a) => `${String(a["dev"])} ${addrKey(a)}`),
    routes: sortBy(routes, routeKey),
  };
}

/** A dump reduced to the links whose ifalias starts with `mark`, with their addresses and routes. */
function onlyMarked(ns: NamespaceDump, mark: string): NamespaceDump {
  const links = ns.links.filter((l) => typeof l["ifalias"] === "string" && l["ifalias"].startsWith(mark));
  const devs = new Set(links.map((l) => String(l["ifname"])));
  return { name: ns.name, links, addrs: ns.addrs.filter((a) => devs.has(String(a["dev"]))), routes: ns.routes.filter((r) => devs.has(String(r["dev"]))) };
}

function sortBy<T extends Readonly<Record<string, unknown>>>(items: T[], key: (o: T) => string): T[] {
  return items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function isList(selection: readonly (string | null)[] | DumpOptions): selection is readonly (string | null)[] {
  return Array.isArray(selection);
}
