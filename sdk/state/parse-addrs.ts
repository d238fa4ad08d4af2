/**
 * Reduces `ip -json addr show` to {@link AddrState}s: one per `addr_info` entry of family
 * `inet`/`inet6`, with the local address and prefix length joined into a canonical CIDR.
 * @module
 */
import { canonicalCidr } from "../lib/canonical.ts";
import { asArray, asRecord, num, str } from "./json-read.ts";
import type { AddrState } from "./types.ts";

/**
 * Parses the answer of `ip -json addr show` (an array of links, each with `addr_info`).
 *
 * @example
 * ```ts
 * parseAddrs(JSON.parse(stdout)).filter((a) => a.dev === "eth0").map((a) => a.cidr);
 * // ["10.0.0.2/24", "fd00::2/64", "fe80::d4d4:2fff:fedd:c9d2/64"]
 * ```
 */
export function parseAddrs(json: unknown): AddrState[] {
  const addrs: AddrState[] = [];
  for (const entry of asArray(json, "ip addr show")) {
    const link = asRecord(entry, "ip addr show entry");
    const dev = str(link, "ifname");
    if (dev === undefined) continue;
    const infos = link["addr_info"];
    if (!Array.isArray(infos)) continue;
    for (const item of infos) {
      const info = asRecord(item, `addr_info of ${dev}`);
      const familyName = str(info, "family");
      const family = familyName === "inet" ? 4 : familyName === "inet6" ? 6 : null;
      const local = str(info, "local");
      const prefixlen = num(info, "prefixlen");
      if (family === null || local === undefined) continue;
      const cidr = canonicalCidr(prefixlen === undefined ? local : `${local}/${prefixlen}`);
      if (cidr === null) continue;
      const flags = Object.keys(info).filter((k) => info[k] === true);
      const addr: AddrState = { dev, cidr, family, scope: str(info, "scope") ?? "global" };
      addrs.push(flags.length > 0 ? { ...addr, flags } : addr);
    }
  }
  return addrs;
}
