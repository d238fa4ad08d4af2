/**
 * The shape of a state dump and the identity of its objects (how a link, an address and a route
 * are recognised across two dumps).
 * @module
 */

/** One object of a dump (a link, an address with its `dev`, a route with its `family`). */
export type DumpObject = Readonly<Record<string, unknown>>;

/** The normalised snapshot of one namespace. */
export interface NamespaceDump {
  /** Namespace name; `null` = the executor's own. */
  readonly name: string | null;
  /** Links (`ip -d -json link show` objects), sorted by `ifname`. */
  readonly links: readonly DumpObject[];
  /** Addresses (`addr_info` entries plus `dev`), sorted by device and address. */
  readonly addrs: readonly DumpObject[];
  /** Routes of every table (plus `family`), sorted. */
  readonly routes: readonly DumpObject[];
}

/** A snapshot of several namespaces. */
export interface StateDump {
  /** Named namespaces that existed (restricted to the prefix, if one was given), sorted. */
  readonly netns: readonly string[];
  /** The namespaces dumped, the executor's own first, then by name. */
  readonly namespaces: readonly NamespaceDump[];
}

/**
 * The identity of a dumped link (its name).
 *
 * @example
 * ```ts
 * linkKey({ ifname: "eth0" }); // "link eth0"
 * ```
 */
export function linkKey(o: DumpObject): string {
  return `link ${String(o["ifname"])}`;
}

/**
 * The identity of a dumped address.
 *
 * @example
 * ```ts
 * addrKey({ dev: "eth0", local: "10.0.0.2", prefixlen: 24 }); // "addr 10.0.0.2/24 on eth0"
 * ```
 */
export function addrKey(o: DumpObject): string {
  const peer = o["address"] === undefined ? "" : ` peer ${String(o["address"])}`;
  return `addr ${String(o["local"])}/${String(o["prefixlen"])}${peer} on ${String(o["dev"])}`;
}

/**
 * The identity of a dumped route.
 *
 * @example
 * ```ts
 * routeKey({ family: 4, dst: "default", gateway: "10.0.0.1", dev: "eth0" });
 * // "IPv4 route default via 10.0.0.1 dev eth0 (table main)"
 * ```
 */
export function routeKey(o: DumpObject): string {
  const type = o["type"] === undefined || o["type"] === "unicast" ? "" : `${String(o["type"])} `;
  const via = o["gateway"] === undefined ? "" : ` via ${String(o["gateway"])}`;
  const dev = o["dev"] === undefined ? "" : ` dev ${String(o["dev"])}`;
  const metric = o["metric"] === undefined ? "" : ` metric ${String(o["metric"])}`;
  return `IPv${String(o["family"])} route ${type}${String(o["dst"])}${via}${dev}${metric} (table ${String(o["table"] ?? "main")})`;
}
