/**
 * The family headers that follow the `nlmsghdr` of rtnetlink messages: `struct ifinfomsg`
 * (links, 16 bytes), `struct ifaddrmsg` (addresses, 8) and `struct rtmsg` (routes, 12).
 *
 * @example
 * ```ts
 * const at = beginMessage(w, RTM.NEWADDR, NLM_F.REQUEST | NLM_F.ACK, 1);
 * putIfaddrmsg(w, { family: AF.INET, prefixlen: 24, index: 2 });
 * ```
 * @module
 */
import { _reserve, HOST_LE, type MessageWriter } from "./encode.ts";
import { SIZE } from "./constants.ts";

/** Fields of `struct ifinfomsg` (all default to 0; `family` to `AF_UNSPEC`). */
export interface Ifinfomsg {
  readonly family?: number;
  readonly type?: number;
  readonly index?: number;
  readonly flags?: number;
  readonly change?: number;
}

/**
 * Writes a `struct ifinfomsg` (16 bytes).
 *
 * @example
 * ```ts
 * putIfinfomsg(w, { index: 2, flags: IFF_UP, change: IFF_UP });
 * ```
 */
export function putIfinfomsg(w: MessageWriter, h: Ifinfomsg): void {
  const at = _reserve(w, SIZE.IFINFOMSG);
  w.bytes[at] = h.family ?? 0;
  w.view.setUint16(at + 2, h.type ?? 0, HOST_LE);
  w.view.setInt32(at + 4, h.index ?? 0, HOST_LE);
  w.view.setUint32(at + 8, (h.flags ?? 0) >>> 0, HOST_LE);
  w.view.setUint32(at + 12, (h.change ?? 0) >>> 0, HOST_LE);
}

/** Fields of `struct ifaddrmsg`. */
export interface Ifaddrmsg {
  readonly family: number;
  readonly prefixlen: number;
  readonly flags?: number;
  readonly scope?: number;
  readonly index: number;
}

/**
 * Writes a `struct ifaddrmsg` (8 bytes).
 *
 * @example
 * ```ts
 * putIfaddrmsg(w, { family: AF.INET, prefixlen: 24, index: 2 });
 * ```
 */
export function putIfaddrmsg(w: MessageWriter, h: Ifaddrmsg): void {
  const at = _reserve(w, SIZE.IFADDRMSG);
  w.bytes[at] = h.family;
  w.bytes[at + 1] = h.prefixlen;
  w.bytes[at + 2] = (h.flags ?? 0) & 0xff;
  w.bytes[at + 3] = h.scope ?? 0;
  w.view.setUint32(at + 4, h.index >>> 0, HOST_LE);
}

/** Fields of `struct rtmsg`. */
export interface Rtmsg {
  readonly family: number;
  readonly dstLen?: number;
  readonly srcLen?: number;
  readonly tos?: number;
  readonly table?: number;
  readonly protocol?: number;
  readonly scope?: number;
  readonly type?: number;
  readonly flags?: number;
}

/**
 * Writes a `struct rtmsg` (12 bytes).
 *
 * @example
 * ```ts
 * putRtmsg(w, { family: AF.INET, table: RT.TABLE_MAIN, protocol: RT.PROT_BOOT, type: RT.TYPE_UNICAST });
 * ```
 */
export function putRtmsg(w: MessageWriter, h: Rtmsg): void {
  const at = _reserve(w, SIZE.RTMSG);
  const b = w.bytes;
  b[at] = h.family;
  b[at + 1] = h.dstLen ?? 0;
  b[at + 2] = h.srcLen ?? 0;
  b[at + 3] = h.tos ?? 0;
  b[at + 4] = h.table ?? 0;
  b[at + 5] = h.protocol ?? 0;
  b[at + 6] = h.scope ?? 0;
  b[at + 7] = h.type ?? 0;
  w.view.setUint32(at + 8, (h.flags ?? 0) >>> 0, HOST_LE);
}
