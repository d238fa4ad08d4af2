/**
 * Reduces `ip -json -details link show` to {@link LinkState}s. The kind-specific fields follow
 * iproute2's `print_opt` functions: macvlan and ipvlan print `info_data.mode`; ipvlan prints its
 * flag as a boolean key (`"bridge": true`, `"private": true` or `"vepa": true`, iplink_ipvlan.c);
 * vlan prints `info_data.protocol` and `info_data.id` (iplink_vlan.c). The lower device appears as
 * `link` (its name, same namespace) or as `link_index` plus `link_netnsid` (another namespace).
 * @module
 */
import type { LinkState } from "./types.ts";
import { asArray, asRecord, num, str } from "./json-read.ts";

/** Ipvlan flags in the order iproute2 tests them. */
const IPVLAN_FLAGS = ["private", "vepa", "bridge"] as const;

/**
 * Parses the answer of `ip -json -details link show` (an array of link objects).
 *
 * @example
 * ```ts
 * const [eth0] = parseLinks(JSON.parse(stdout));
 * eth0?.kind; // "macvlan"
 * eth0?.mode; // "bridge"
 * ```
 */
export function parseLinks(json: unknown): LinkState[] {
  const entries = asArray(json, "ip link show").map((e) => asRecord(e, "ip link show entry"));
  const byName = new Map<string, number>();
  const byIndex = new Map<number, string>();
  for (const e of entries) {
    const name = str(e, "ifname");
    const index = num(e, "ifindex");
    if (name !== undefined && index !== undefined) {
      byName.set(name, index);
      byIndex.set(index, name);
    }
  }
  const links: LinkState[] = [];
  for (const e of entries) {
    const name = str(e, "ifname");
    const ifindex = num(e, "ifindex");
    if (name === undefined || ifindex === undefined) continue;
    const info = asRecord(e["linkinfo"] ?? {}, "linkinfo");
    const data = asRecord(info["info_data"] ?? {}, "info_data");
    const kind = str(info, "info_kind") ?? null;
    const flags = Array.isArray(e["flags"]) ? (e["flags"] as unknown[]) : [];
    const link: { -readonly [K in keyof LinkState]: LinkState[K] } = {
      name,
      kind,
      mtu: num(e, "mtu") ?? 0,
      mac: (str(e, "address") ?? "").toLowerCase(),
      up: flags.includes("UP"),
      ifindex,
    };
    const mode = str(data, "mode");
    if (mode !== undefined && (kind === "macvlan" || kind === "macvtap" || kind === "ipvlan" || kind === "ipvtap")) {
      link.mode = mode;
    }
    if (kind === "ipvlan" || kind === "ipvtap") {
      const flag = IPVLAN_FLAGS.find((f) => data[f] === true);
      if (flag !== undefined) link.flag = flag;
    }
    if (kind === "vlan") {
      const id = num(data, "id");
      if (id !== undefined) link.vlanId = id;
      const protocol = str(data, "protocol");
      if (protocol !== undefined) link.vlanProtocol = protocol;
    }
    const netnsId = num(e, "link_netnsid");
    if (netnsId !== undefined) link.parentNetnsId = netnsId;
    const lower = str(e, "link");
    const lowerIndex = num(e, "link_index");
    if (lower !== undefined) {
      link.parent = lower;
      const index = lowerIndex ?? byName.get(lower);
      if (index !== undefined) link.parentIndex = index;
    } else if (lowerIndex !== undefined) {
      link.parentIndex = lowerIndex;
      const resolved = netnsId === undefined ? byIndex.get(lowerIndex) : undefined;
      if (resolved !== undefined) link.parent = resolved;
    }
    const alias = str(e, "ifalias");
    if (alias !== undefined) link.alias = alias;
    links.push(link);
  }
  return links;
}
