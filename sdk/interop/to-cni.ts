/**
 * A lab's endpoint → CNI 1.0 network configuration lists (one per interface): the reference
 * `macvlan` or `ipvlan` plugin on the network's parent, with `static` IPAM holding exactly the
 * addresses and routes underlay plans for that interface, or `host-local` ranges for the
 * network's subnets (automatic addresses then come from the plugin; static ones are asked for
 * through `args.cni.ips`). Read from the plan's `networks`/`endpoints` data only.
 * @module
 */
import { UnderlayError, invalidSpec, type Issue } from "../errors.ts";
import { formatIp, parseCidr } from "../lib/address.ts";
import { usableRange } from "../ipam/usable.ts";
import type { Plan } from "../plan/plan.ts";
import type { InterfaceInfo, NetworkInfo } from "../plan/types.ts";
import type { Plannable } from "../runner/context.ts";

/** A route in CNI's IPAM form. */
export interface CniRoute {
  /** Destination CIDR (`0.0.0.0/0`, `::/0`, …). */
  readonly dst: string;
  /** Next hop; absent for a route through the device (ipvlan L3). */
  readonly gw?: string;
}

/** One `host-local` range. */
export interface CniRange {
  readonly subnet: string;
  readonly rangeStart?: string;
  readonly rangeEnd?: string;
  readonly gateway?: string;
}

/** The IPAM section: `static` (addresses of one endpoint) or `host-local` (ranges of a network). */
export type CniIpam =
  | { readonly type: "static"; readonly addresses: readonly { readonly address: string }[]; readonly routes: readonly CniRoute[] }
  | { readonly type: "host-local"; readonly ranges: readonly (readonly CniRange[])[]; readonly routes: readonly CniRoute[]; readonly dataDir?: string };

/** The main plugin of a conflist. */
export interface CniPlugin {
  /** `macvlan` or `ipvlan`. */
  readonly type: "macvlan" | "ipvlan";
  /** The parent link, in the namespace the plugin runs in. */
  readonly master: string;
  /** Macvlan `bridge`/`private`/`vepa`/`passthru`; ipvlan `l2`/`l3`/`l3s`. */
  readonly mode: string;
  /** MTU, when the network sets one. */
  readonly mtu?: number;
  /** The MAC underlay plans (macvlan, not passthru). */
  readonly mac?: string;
  /** Static addresses asked of `host-local` (CNI_ARGS-style `args.cni.ips`). */
  readonly args?: { readonly cni: { readonly ips: readonly string[] } };
  /** Address management. */
  readonly ipam: CniIpam;
}

/** A CNI 1.0 network configuration list. */
export interface CniConflist {
  readonly cniVersion: "1.0.0";
  /** The network's name. */
  readonly name: string;
  readonly plugins: readonly [CniPlugin];
}

/** Options of {@link toCni}. */
export interface ToCniOptions {
  /** Which of the endpoint's networks (default: its first, i.e. `eth0`). */
  readonly network?: string;
  /** `static` (default: the endpoint's own addresses and routes) or `host-local` (the network's ranges). */
  readonly ipam?: "static" | "host-local";
  /** `host-local`'s state directory (default: the plugin's own, /var/lib/cni/networks). */
  readonly dataDir?: string;
}

/** One interface of an endpoint with its conflist. */
export interface CniAttachment {
  /** `CNI_IFNAME` for the call (`eth0`, `eth1`, …). */
  readonly ifname: string;
  /** The network. */
  readonly network: string;
  /** The configuration list (stdin of the plugin). */
  readonly conflist: CniConflist;
}

const CNI_MACVLAN_MODES = new Set(["bridge", "private", "vepa", "passthru"]);

function familyOf(text: string): 4 | 6 {
  return text.includes(":") ? 6 : 4;
}

/** The default routes of an interface with their families, the way the planner adds them (IPv4 first). */
function cniRoutes(endpoint: readonly InterfaceInfo[], ifc: InterfaceInfo): CniRoute[] {
  const taken = new Set<4 | 6>();
  for (const other of endpoint) {
    const families = ([4, 6] as const).filter((f) => !taken.has(f) && other.addresses.some((a) => familyOf(a) === f));
    const out: CniRoute[] = [];
    let k = 0;
    for (const r of other.routes) {
      const family = r.via !== undefined ? familyOf(r.via) : families[k++];
      if (family === undefined) continue;
      taken.add(family);
      const dst = r.dst === "default" ? (family === 4 ? "0.0.0.0/0" : "::/0") : r.dst;
      out.push(r.via === undefined ? { dst } : { dst, gw: r.via });
    }
    if (other === ifc) return out;
  }
  return [];
}

function plugin(info: NetworkInfo, ipam: CniIpam, mac: string | null, issues: Issue[], at: string): CniPlugin {
  if (info.driver === "macvlan" && !CNI_MACVLAN_MODES.has(info.mode)) {
    issues.push({ path: `${at}.mode`, message: `the CNI macvlan plugin takes bridge | private | vepa | passthru but the network's mode is ${info.mode} — change the mode to export it` });
  }
  if (info.driver === "ipvlan" && info.flag !== null && info.flag !== "bridge") {
    issues.push({ path: `${at}.flag`, message: `the CNI ipvlan plugin has no flag option but the network sets ${info.flag} — remove .flag() to export it` });
  }
  return {
    type: info.driver,
    master: info.parent,
    mode: info.mode,
    ...(info.mtu === null ? {} : { mtu: info.mtu }),
    ...(mac === null ? {} : { mac }),
    ipam,
  };
}

/** The host-local ranges of a network's subnets: one range set per family, the ip range as rangeStart/rangeEnd. */
function hostLocalRanges(info: NetworkInfo): CniRange[][] {
  const sets: Record<4 | 6, CniRange[]> = { 4: [], 6: [] };
  for (const s of info.subnets) {
    const r: { subnet: string; rangeStart?: string; rangeEnd?: string; gateway?: string } = { subnet: s.cidr };
    if (s.ipRange !== null) {
      const sub = parseCidr(s.cidr);
      const range = parseCidr(s.ipRange);
      if (sub !== null && range !== null) {
        const { first, last } = usableRange(sub);
        const lo = range.network > sub.network + first ? range.network : sub.network + first;
        const end = range.network + range.size - 1n;
        const hi = end < sub.network + last ? end : sub.network + last;
        r.rangeStart = formatIp(sub.family, lo);
        r.rangeEnd = formatIp(sub.family, hi);
      }
    }
    if (s.gateway !== null) r.gateway = s.gateway;
    sets[familyOf(s.cidr)].push(r);
  }
  return [sets[4], sets[6]].filter((x) => x.length > 0);
}

/**
 * Every interface of an endpoint as a CNI call: `ifname`, network and conflist.
 *
 * @example
 * ```ts
 * for (const a of cniAttachments(demo, "web")) console.log(a.ifname, JSON.stringify(a.conflist));
 * ```
 */
export function cniAttachments(source: Plannable | Plan, endpoint: string, options: Omit<ToCniOptions, "network"> = {}): CniAttachment[] {
  const plan = "spec" in source ? source.plan() : source;
  const ep = plan.endpoints.find((e) => e.name === endpoint);
  if (ep === undefined) {
    throw new UnderlayError("USAGE", `expected an endpoint of lab ${plan.lab} but received ${JSON.stringify(endpoint)} — endpoints: ${plan.endpoints.map((e) => e.name).join(", ")}`);
  }
  const issues: Issue[] = [];
  const out = ep.interfaces.map((ifc) => {
    const info = plan.networks.find((n) => n.name === ifc.network) as NetworkInfo;
    const routes = cniRoutes(ep.interfaces, ifc);
    const at = `networks.${info.name}`;
    let p: CniPlugin;
    if (options.ipam === "host-local") {
      const statics = plan.endpoints.length > 0 ? staticIps(source, endpoint, ifc.network) : [];
      const ipam: CniIpam = { type: "host-local", ranges: hostLocalRanges(info), routes, ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) };
      p = { ...plugin(info, ipam, ifc.mac, issues, at), ...(statics.length > 0 ? { args: { cni: { ips: statics } } } : {}) };
    } else {
      p = plugin(info, { type: "static", addresses: ifc.addresses.map((address) => ({ address })), routes }, ifc.mac, issues, at);
    }
    return { ifname: ifc.name, network: ifc.network, conflist: { cniVersion: "1.0.0" as const, name: ifc.network, plugins: [p] as const } };
  });
  if (issues.length > 0) throw invalidSpec(issues, `export of lab "${plan.lab}" to CNI`);
  return out;
}

function staticIps(source: Plannable | Plan, endpoint: string, network: string): string[] {
  if (!("spec" in source)) return [];
  const ep = source.spec().endpoints.find((e) => e.name === endpoint);
  return [...(ep?.attachments.find((a) => a.network.name === network)?.ips ?? [])];
}

/**
 * The CNI 1.0 conflist of one interface of an endpoint (default: its first network).
 *
 * @example
 * ```ts
 * const conf = toCni(demo, "web");
 * // { cniVersion: "1.0.0", name: "pub_net", plugins: [{ type: "macvlan", master: "eth0", mode: "bridge",
 * //   mac: "02:…", ipam: { type: "static", addresses: [{ address: "172.16.86.10/24" }], routes: [{ dst: "0.0.0.0/0", gw: "172.16.86.1" }] } }] }
 * ```
 */
export function toCni(source: Plannable | Plan, endpoint: string, options: ToCniOptions = {}): CniConflist {
  const all = cniAttachments(source, endpoint, options);
  const pick = options.network === undefined ? all[0] : all.find((a) => a.network === options.network);
  if (pick === undefined) {
    throw new UnderlayError("USAGE", `expected a network of endpoint ${endpoint} but received ${JSON.stringify(options.network)} — its networks: ${all.map((a) => a.network).join(", ")}`);
  }
  return pick.conflist;
}
