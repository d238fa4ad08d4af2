/**
 * One `RTM_NEWROUTE` message as `ip -json -details route show table all` prints it (iproute2's
 * `print_route` with details: `type`, `table`, `protocol` and `scope` always): `dst` (`default`,
 * `addr/len`, or a bare host address), `gateway`, `via`, `dev`, `prefsrc`, `metric`, `flags`,
 * `pref`.
 *
 * @example
 * ```ts
 * routeJson(bytes, m, names); // { type: "unicast", dst: "default", gateway: "10.0.0.1", dev: "eth0", table: "main", protocol: "boot", scope: "global", flags: [] }
 * ```
 * @module
 */
import { AF, RTA, SIZE } from "./constants.ts";
import { attrs, u32, type AttrView, type MessageView } from "./decode.ts";
import { formatIp } from "./addresses.ts";
import { scopeName } from "./addr-json.ts";
import { HOST_LE } from "./encode.ts";

const TYPES = ["none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"];
const PROTOCOLS: Readonly<Record<number, string>> = {
  0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static", 8: "gated", 9: "ra", 10: "mrt", 11: "zebra", 12: "bird",
  13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp", 18: "keepalived", 42: "babel", 186: "bgp", 187: "isis", 188: "ospf", 189: "rip", 192: "eigrp",
};
const TABLES: Readonly<Record<number, string>> = { 253: "default", 254: "main", 255: "local" };
const NH_FLAGS: readonly (readonly [string, number])[] = [["dead", 1], ["pervasive", 2], ["onlink", 4], ["offload", 8], ["linkdown", 16], ["unresolved", 32], ["trap", 64]];
const PREFS: Readonly<Record<number, string>> = { 0: "medium", 1: "high", 3: "low" };

function ip(bytes: Uint8Array, a: AttrView): string {
  return formatIp(bytes.subarray(a.offset, a.offset + a.length));
}

/**
 * The route's table id (`RTA_TABLE`, else `rtm_table`).
 *
 * @example
 * ```ts
 * routeTable(bytes, m); // 254
 * ```
 */
export function routeTable(bytes: Uint8Array, m: MessageView): number {
  const h = m.offset + SIZE.NLMSGHDR;
  const t = attrs(bytes, h + SIZE.RTMSG, m.offset + m.length).get(RTA.TABLE);
  return t === undefined ? (bytes[h + 4] as number) : u32(bytes, t);
}

/**
 * Decodes a route message; `names` maps ifindexes of the same namespace to names.
 *
 * @example
 * ```ts
 * routeJson(bytes, m, new Map([[2, "eth0"]])).dev; // "eth0"
 * ```
 */
export function routeJson(bytes: Uint8Array, m: MessageView, names: ReadonlyMap<number, string>): Record<string, unknown> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = m.offset + SIZE.NLMSGHDR;
  const family = bytes[h] as number;
  const dstLen = bytes[h + 1] as number;
  const protocol = bytes[h + 5] as number;
  const scope = bytes[h + 6] as number;
  const type = bytes[h + 7] as number;
  const rtFlags = view.getUint32(h + 8, HOST_LE);
  const a = attrs(bytes, h + SIZE.RTMSG, m.offset + m.length);
  const hostLen = family === AF.INET6 ? 128 : 32;
  const out: Record<string, unknown> = {};
  out["type"] = TYPES[type] ?? String(type);
  const dst = a.get(RTA.DST);
  out["dst"] = dst !== undefined ? (dstLen !== hostLen ? `${ip(bytes, dst)}/${dstLen}` : ip(bytes, dst)) : dstLen !== 0 ? `0/${dstLen}` : "default";
  const gw = a.get(RTA.GATEWAY);
  if (gw !== undefined) out["gateway"] = ip(bytes, gw);
  const via = a.get(RTA.VIA);
  if (via !== undefined && via.length >= 2) {
    const vf = view.getUint16(via.offset, HOST_LE);
    out["via"] = { family: vf === AF.INET ? "inet" : vf === AF.INET6 ? "inet6" : String(vf), host: formatIp(bytes.subarray(via.offset + 2, via.offset + via.length)) };
  }
  const oif = a.get(RTA.OIF);
  if (oif !== undefined) {
    const idx = u32(bytes, oif);
    out["dev"] = names.get(idx) ?? `if${idx}`;
  }
  const table = routeTable(bytes, m);
  if (table !== 0) out["table"] = TABLES[table] ?? String(table);
  if ((rtFlags & 0x200) === 0) {
    out["protocol"] = PROTOCOLS[protocol] ?? String(protocol);
    out["scope"] = scopeName(scope);
  }
  const prefsrc = a.get(RTA.PREFSRC);
  if (prefsrc !== undefined) out["prefsrc"] = ip(bytes, prefsrc);
  const prio = a.get(RTA.PRIORITY);
  if (prio !== undefined) out["metric"] = u32(bytes, prio);
  const flags: string[] = [];
  for (const [name, bit] of NH_FLAGS) if ((rtFlags & bit) !== 0) flags.push(name);
  if ((rtFlags & 0x100) !== 0) flags.push("notify");
  out["flags"] = flags;
  const pref = a.get(RTA.PREF);
  if (pref !== undefined) out["pref"] = PREFS[bytes[pref.offset] as number] ?? String(bytes[pref.offset]);
  return out;
}
