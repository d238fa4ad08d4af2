/**
 * The live kernel state as plain data: what `ip -json -details` reports for each namespace,
 * reduced to the fields underlay compares (links, addresses, main-table routes, sysctls), plus
 * the list of named namespaces and any files read. Produced by `observe()`; consumed by the
 * fact checks (`holds`, `explain`), the plan diff (`diffFacts`, `extras`) and `dump()`.
 *
 * @example
 * ```ts
 * const state: LiveState = await observe(localExecutor(), [null, "demo-web"]);
 * const web: NamespaceState | undefined = state.namespaces.get("demo-web");
 * console.log(web?.links.map((l: LinkState) => `${l.name} ${l.kind ?? "-"} ${l.up ? "up" : "down"}`));
 * ```
 * @module
 */
import type { KernelDump } from "../executor/types.ts";

/** One network link (interface) as seen inside its namespace. */
export interface LinkState {
  /** Interface name (`ifname`). */
  readonly name: string;
  /** Link kind from `linkinfo.info_kind` (`macvlan`, `ipvlan`, `vlan`, `bridge`, `veth`, `dummy`…); `null` for plain devices (`lo`, physical NICs). */
  readonly kind: string | null;
  /** `linkinfo.info_data.mode`: macvlan `bridge|vepa|private|passthru|source`, ipvlan `l2|l3|l3s`. */
  readonly mode?: string;
  /** Ipvlan flag `bridge|private|vepa` (iproute2 prints it as a boolean key in `info_data`). */
  readonly flag?: string;
  /** VLAN id of an 802.1Q sub-interface (`info_data.id`). */
  readonly vlanId?: number;
  /** VLAN protocol of an 802.1Q sub-interface (`info_data.protocol`, e.g. `802.1Q`). */
  readonly vlanProtocol?: string;
  /** Ifindex of the lower (parent) device, in the parent's namespace (`link_index`, or resolved from `link`). */
  readonly parentIndex?: number;
  /** Name of the lower device, when it lives in the same namespace as this link. */
  readonly parent?: string;
  /** Set when the lower device lives in another namespace: its nsid as seen from this namespace (`link_netnsid`). */
  readonly parentNetnsId?: number;
  /** MTU in bytes. */
  readonly mtu: number;
  /** Link-layer address, lowercase (`address`). */
  readonly mac: string;
  /** Administrative state: `true` when the `UP` flag is set (not the carrier/operstate). */
  readonly up: boolean;
  /** Interface alias (`ifalias`), underlay's ownership mark. */
  readonly alias?: string;
  /** Ifindex in this namespace. */
  readonly ifindex: number;
}

/** One address on a link. */
export interface AddrState {
  /** Link the address is on. */
  readonly dev: string;
  /** Address with prefix length, canonical (`10.0.0.2/24`, `fd00::2/64`; IPv6 compressed, lowercase). */
  readonly cidr: string;
  /** Address family. */
  readonly family: 4 | 6;
  /** Scope (`global`, `link`, `host`, …). */
  readonly scope: string;
  /** Boolean flags iproute2 reports (`tentative`, `dadfailed`, `nodad`, `noprefixroute`, `dynamic`, …). */
  readonly flags?: readonly string[];
}

/** One route of the main table. */
export interface RouteState {
  /** Address family. */
  readonly family: 4 | 6;
  /** `default` or a canonical CIDR (host routes get `/32` or `/128`). */
  readonly dst: string;
  /** Output device (absent for multipath and blackhole-like routes). */
  readonly dev?: string;
  /** Next hop, canonical. */
  readonly via?: string;
  /** Route scope (`global`, `link`, `host`). */
  readonly scope?: string;
  /** Origin (`kernel`, `boot`, `static`, `ra`, …). */
  readonly proto?: string;
  /** Route type when not `unicast` (`blackhole`, `unreachable`, `prohibit`, …). */
  readonly type?: string;
  /** Metric (priority), when the kernel reports one. */
  readonly metric?: number;
}

/** What `ip -json -details` printed for one namespace, kept for `dump()` (all route tables). */
export type RawNamespace = KernelDump;

/** Everything read from one namespace. */
export interface NamespaceState {
  /** Namespace name; `null` is the executor's own namespace. */
  readonly name: string | null;
  /** `false` when the namespace does not exist (then every list is empty). */
  readonly exists: boolean;
  /** Links, in ifindex order. */
  readonly links: readonly LinkState[];
  /** Addresses of every link. */
  readonly addrs: readonly AddrState[];
  /** Routes of the main table, IPv4 then IPv6. */
  readonly routes: readonly RouteState[];
  /** Sysctls read, keyed by canonical dotted name (see `sysctlKey`); a key that does not exist is absent. */
  readonly sysctl: Readonly<Record<string, string>>;
  /** The unreduced `ip -json` answers, when `observe(…, { raw: true })` asked for them. */
  readonly raw?: RawNamespace;
  /** The other namespaces this one knows by id (`link_netnsid` of a link whose peer or parent is there), when asked for. */
  readonly peers?: ReadonlyMap<number, string>;
}

/** A snapshot of the kernel for the namespaces asked about. */
export interface LiveState {
  /** Every named namespace on the machine (`ip netns list`). */
  readonly netns: ReadonlySet<string>;
  /** The namespaces observed (`null` = the executor's own namespace). */
  readonly namespaces: ReadonlyMap<string | null, NamespaceState>;
  /** Files read: content, or `null` when the file does not exist. */
  readonly files: ReadonlyMap<string, string | null>;
}
