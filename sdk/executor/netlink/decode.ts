/**
 * Reading netlink answers: walking the messages of one datagram, the attributes of a message or
 * of a nested attribute, and the `NLMSG_ERROR` answer (an ACK when its error is 0, otherwise a
 * negative errno plus, with `NETLINK_EXT_ACK`, the kernel's message). Pure: no FFI, no I/O; the
 * functions read a `Uint8Array` in place and copy nothing but the strings they return.
 *
 * @example
 * ```ts
 * for (const m of messages(bytes, length)) {
 *   if (m.type === NLMSG.ERROR) console.log(m.seq, parseError(bytes, m).error);
 * }
 * ```
 * @module
 */
import { NLM_F, NLMSGERR_ATTR, SIZE } from "./constants.ts";
import { align4, HOST_LE } from "./encode.ts";

/** One message of a datagram: its header fields and where its payload lies. */
export interface MessageView {
  /** `nlmsg_type`. */
  readonly type: number;
  /** `nlmsg_flags`. */
  readonly flags: number;
  /** `nlmsg_seq`. */
  readonly seq: number;
  /** Offset of the message (its header) in the buffer. */
  readonly offset: number;
  /** `nlmsg_len`: header plus payload. */
  readonly length: number;
}

/**
 * The messages in `bytes[0, length)`. Stops at a truncated or malformed header.
 *
 * @example
 * ```ts
 * const seqs = messages(bytes, n).map((m) => m.seq);
 * ```
 */
export function messages(bytes: Uint8Array, length: number): MessageView[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: MessageView[] = [];
  let at = 0;
  while (at + SIZE.NLMSGHDR <= length) {
    const len = view.getUint32(at, HOST_LE);
    if (len < SIZE.NLMSGHDR || at + len > length) break;
    out.push({
      length: len,
      type: view.getUint16(at + 4, HOST_LE),
      flags: view.getUint16(at + 6, HOST_LE),
      seq: view.getUint32(at + 8, HOST_LE),
      offset: at,
    });
    at += align4(len);
  }
  return out;
}

/** One attribute: its type (without the nested/byte-order bits) and where its payload lies. */
export interface AttrView {
  /** `rta_type & 0x3fff`. */
  readonly type: number;
  /** Offset of the payload in the buffer. */
  readonly offset: number;
  /** Payload length in bytes. */
  readonly length: number;
}

/**
 * The attributes in `bytes[start, end)`, keyed by type (a repeated type keeps its first).
 *
 * @example
 * ```ts
 * const a = attrs(bytes, m.offset + 16 + 16, m.offset + m.length); // after nlmsghdr + ifinfomsg
 * a.get(IFLA.IFNAME);
 * ```
 */
export function attrs(bytes: Uint8Array, start: number, end: number): Map<number, AttrView> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<number, AttrView>();
  let at = start;
  while (at + SIZE.RTATTR <= end) {
    const len = view.getUint16(at, HOST_LE);
    if (len < SIZE.RTATTR || at + len > end) break;
    const type = view.getUint16(at + 2, HOST_LE) & 0x3fff;
    if (!out.has(type)) out.set(type, { type, offset: at + SIZE.RTATTR, length: len - SIZE.RTATTR });
    at += align4(len);
  }
  return out;
}

/**
 * The attributes nested in attribute `a`.
 *
 * @example
 * ```ts
 * const info = nested(bytes, a.get(IFLA.LINKINFO)!);
 * ```
 */
export function nested(bytes: Uint8Array, a: AttrView): Map<number, AttrView> {
  return attrs(bytes, a.offset, a.offset + a.length);
}

/**
 * An attribute's payload as an unsigned 32-bit number (host order).
 *
 * @example
 * ```ts
 * u32(bytes, a.get(IFLA.MTU)!); // 1500
 * ```
 */
export function u32(bytes: Uint8Array, a: AttrView): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(a.offset, HOST_LE);
}

/**
 * An attribute's payload as an unsigned 16-bit number (host order).
 *
 * @example
 * ```ts
 * u16(bytes, a.get(IPVLAN.ATTR_MODE)!); // 1 (l3)
 * ```
 */
export function u16(bytes: Uint8Array, a: AttrView): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint16(a.offset, HOST_LE);
}

/**
 * An attribute's payload as a big-endian 16-bit number (`IFLA_VLAN_PROTOCOL`).
 *
 * @example
 * ```ts
 * u16be(bytes, a); // 0x8100
 * ```
 */
export function u16be(bytes: Uint8Array, a: AttrView): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint16(a.offset, false);
}

/**
 * An attribute's payload as a signed 32-bit number (host order).
 *
 * @example
 * ```ts
 * i32(bytes, a); // -1
 * ```
 */
export function i32(bytes: Uint8Array, a: AttrView): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getInt32(a.offset, HOST_LE);
}

const decoder = new TextDecoder();

/**
 * An attribute's payload as a string, up to its first NUL.
 *
 * @example
 * ```ts
 * str(bytes, a.get(IFLA.IFNAME)!); // "eth0"
 * ```
 */
export function str(bytes: Uint8Array, a: AttrView): string {
  let end = a.offset;
  const stop = a.offset + a.length;
  while (end < stop && bytes[end] !== 0) end++;
  return decoder.decode(bytes.subarray(a.offset, end));
}

/**
 * A copy of an attribute's payload.
 *
 * @example
 * ```ts
 * raw(bytes, a.get(IFLA.ADDRESS)!); // Uint8Array(6)
 * ```
 */
export function raw(bytes: Uint8Array, a: AttrView): Uint8Array {
  return bytes.slice(a.offset, a.offset + a.length);
}

/** What an `NLMSG_ERROR` answer says. */
export interface ErrorAnswer {
  /** 0 for an ACK, otherwise a negative errno. */
  readonly error: number;
  /** The kernel's extended-ACK message (`NLMSGERR_ATTR_MSG`), when it sent one. */
  readonly message?: string;
  /** The seq of the request this answers (copied from the echoed request header). */
  readonly requestSeq: number;
}

/**
 * Parses an `NLMSG_ERROR` message (`struct nlmsgerr`, then extended-ACK attributes when
 * `NLM_F_ACK_TLVS` is set; after the whole echoed request unless `NLM_F_CAPPED`).
 *
 * @example
 * ```ts
 * const e = parseError(bytes, m); // { error: -17, message: undefined, requestSeq: 3 }
 * ```
 */
export function parseError(bytes: Uint8Array, m: MessageView): ErrorAnswer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = m.offset + SIZE.NLMSGHDR;
  const end = m.offset + m.length;
  if (at + SIZE.NLMSGERR > end) return { error: -22, requestSeq: m.seq };
  const error = view.getInt32(at, HOST_LE);
  const requestSeq = view.getUint32(at + 4 + 8, HOST_LE);
  if ((m.flags & NLM_F.ACK_TLVS) === 0) return { error, requestSeq };
  const echoed = (m.flags & NLM_F.CAPPED) !== 0 ? SIZE.NLMSGHDR : view.getUint32(at + 4, HOST_LE);
  const tlvs = attrs(bytes, at + 4 + align4(echoed), end);
  const msg = tlvs.get(NLMSGERR_ATTR.MSG);
  return msg === undefined ? { error, requestSeq } : { error, message: str(bytes, msg), requestSeq };
}
