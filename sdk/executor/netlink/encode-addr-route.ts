/**
 * The address and route messages, as `ip addr add|del` and `ip route add|replace|del` build
 * them: `RTM_NEWADDR`/`RTM_DELADDR` with `IFA_LOCAL` and `IFA_ADDRESS` (and `IFA_FLAGS` for
 * `nodad`); `RTM_NEWROUTE`/`RTM_DELROUTE` with iproute2's defaults (table main, protocol boot,
 * scope link for a route without gateway, scope nowhere when deleting an IPv4 route). Pure: the
 * caller resolves devices to ifindexes first, and has checked the addresses (see `validate.ts`).
 *
 * @example
 * ```ts
 * encodeAddr(w, 1, { op: "addrAdd", dev: 2, cidr: "10.0.0.2/24" }, 2);
 * encodeRoute(w, 2, { op: "routeAdd", dst: "default", via: "10.0.0.1", dev: 2 }, 2);
 * ```
 * @module
 */
import { AF, IFA, IFA_F, NLM_F, RT, RTA, RTM } from "./constants.ts";
import { parseIp, type IpBytes } from "./addresses.ts";
import { beginMessage, endMessage, putBytes, putU32, type MessageWriter } from "./encode.ts";
import { putIfaddrmsg, putRtmsg } from "./encode-headers.ts";
import type { AddrChange, RouteChange } from "./requests.ts";

const RT_SCOPE_NOWHERE = 255;

function must(text: string): IpBytes {
  const ip = parseIp(text);
  if (ip === null) throw new RangeError(`not an IP address: ${text}`);
  return ip;
}

/**
 * `ip addr add|del CIDR dev <index> [nodad]`.
 *
 * @example
 * ```ts
 * encodeAddr(w, 3, { op: "addrAdd", dev: "eth0", cidr: "fd00::2/64", nodad: true }, 2);
 * ```
 */
export function encodeAddr(w: MessageWriter, seq: number, r: AddrChange, index: number): void {
  const ip = must(r.cidr);
  const add = r.op === "addrAdd";
  const flags = r.nodad === true ? IFA_F.NODAD : 0;
  const m = beginMessage(w, add ? RTM.NEWADDR : RTM.DELADDR, NLM_F.REQUEST | NLM_F.ACK | (add ? NLM_F.CREATE | NLM_F.EXCL : 0), seq);
  const loopback = ip.family === 4 && ip.bytes[0] === 127;
  putIfaddrmsg(w, { family: ip.family === 4 ? AF.INET : AF.INET6, prefixlen: ip.prefixlen, flags, scope: loopback ? RT.SCOPE_HOST : 0, index });
  putBytes(w, IFA.LOCAL, ip.bytes);
  putBytes(w, IFA.ADDRESS, ip.bytes);
  if (flags > 0xff) putU32(w, IFA.FLAGS, flags); // iproute2 uses IFA_FLAGS only for flags beyond the header's byte
  endMessage(w, m);
}

/**
 * The family of a route request: from `dst`, else `via`, else `family`, else IPv4 (as iproute2).
 *
 * @example
 * ```ts
 * routeFamily({ op: "routeAdd", dst: "default", via: "fd00::1" }); // 6
 * ```
 */
export function routeFamily(r: RouteChange): 4 | 6 {
  if (r.dst !== "default") return must(r.dst).family;
  if (r.via !== undefined) return must(r.via).family;
  return r.family ?? 4;
}

/**
 * `ip route add|replace|del DST [via GW] [dev <index>] [table T] [metric M]`.
 *
 * @example
 * ```ts
 * encodeRoute(w, 4, { op: "routeReplace", dst: "10.1.0.0/16", dev: "eth0" }, 2);
 * ```
 */
export function encodeRoute(w: MessageWriter, seq: number, r: RouteChange, index: number | undefined): void {
  const family = routeFamily(r);
  const af = family === 4 ? AF.INET : AF.INET6;
  const dst = r.dst === "default" ? null : must(r.dst);
  const via = r.via === undefined ? null : must(r.via);
  const del = r.op === "routeDel";
  const flags = NLM_F.REQUEST | NLM_F.ACK | (r.op === "routeAdd" ? NLM_F.CREATE | NLM_F.EXCL : r.op === "routeReplace" ? NLM_F.CREATE | NLM_F.REPLACE : 0);
  const m = beginMessage(w, del ? RTM.DELROUTE : RTM.NEWROUTE, flags, seq);
  const table = r.table ?? RT.TABLE_MAIN;
  const scope = family === 6 ? RT.SCOPE_UNIVERSE : del ? RT_SCOPE_NOWHERE : via === null ? RT.SCOPE_LINK : RT.SCOPE_UNIVERSE;
  putRtmsg(w, {
    family: af,
    dstLen: dst === null ? 0 : dst.prefixlen,
    table: table < 256 ? table : 0,
    protocol: del ? 0 : RT.PROT_BOOT,
    scope,
    type: del ? 0 : RT.TYPE_UNICAST,
  });
  if (dst !== null) putBytes(w, RTA.DST, dst.bytes);
  else if (family === 6) putBytes(w, RTA.DST, new Uint8Array(16)); // as `ip -6 route … default` sends it
  if (via !== null) putBytes(w, RTA.GATEWAY, via.bytes);
  if (table >= 256) putU32(w, RTA.TABLE, table);
  if (r.metric !== undefined) putU32(w, RTA.PRIORITY, r.metric);
  if (index !== undefined) putU32(w, RTA.OIF, index); // iproute2 adds the device last
  endMessage(w, m);
}
