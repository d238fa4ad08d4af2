/**
 * Writing netlink messages into one reusable buffer: the 16-byte `nlmsghdr`, a family header
 * (`ifinfomsg`, `ifaddrmsg`, `rtmsg`), then attributes (`rtattr`: length, type, payload padded to
 * 4 bytes), nested attributes by back-patching their length. Several messages written one after
 * another form a pipelined request sent with one `sendto`. Integers are in host byte order, as the
 * kernel expects; addresses are raw bytes in network order. Pure: no FFI, no I/O.
 *
 * @example
 * ```ts
 * const w = messageWriter();
 * const m = beginMessage(w, RTM.NEWLINK, NLM_F.REQUEST | NLM_F.ACK, 1);
 * putIfinfomsg(w, { index: 2, flags: IFF_UP, change: IFF_UP });
 * endMessage(w, m);
 * w.bytes.subarray(0, w.length); // 32 bytes: `ip link set dev <ifindex 2> up`
 * ```
 * @module
 */
import { SIZE } from "./constants.ts";

/**
 * True on little-endian hosts (netlink integers are in host order).
 *
 * @example
 * ```ts
 * new DataView(bytes.buffer).getUint32(0, HOST_LE); // nlmsg_len
 * ```
 */
export const HOST_LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A growable byte buffer that messages are written into; reset `length` to 0 to reuse it. */
export interface MessageWriter {
  /** The backing bytes (replaced by a larger array when a message does not fit). */
  bytes: Uint8Array;
  /** A view of `bytes`. */
  view: DataView;
  /** Bytes written so far. */
  length: number;
}

/**
 * A writer with `size` bytes of room (it grows on demand).
 *
 * @example
 * ```ts
 * const w = messageWriter(8192);
 * ```
 */
export function messageWriter(size = 16384): MessageWriter {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer), length: 0 };
}

/**
 * Rounds up to the 4-byte netlink alignment.
 *
 * @example
 * ```ts
 * align4(9); // 12
 * ```
 */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Reserves `n` zeroed bytes at the end (growing the buffer); returns their offset. Internal to the writers. */
export function _reserve(w: MessageWriter, n: number): number {
  const at = w.length;
  const end = at + n;
  if (end > w.bytes.length) {
    const bigger = new Uint8Array(Math.max(end, w.bytes.length * 2));
    bigger.set(w.bytes.subarray(0, at));
    w.bytes = bigger;
    w.view = new DataView(bigger.buffer);
  }
  w.bytes.fill(0, at, end);
  w.length = end;
  return at;
}

/**
 * Starts a message: writes an `nlmsghdr` with `type`, `flags` and `seq` (the length is filled in
 * by {@link endMessage}). Returns the offset of the message.
 *
 * @example
 * ```ts
 * const at = beginMessage(w, RTM.GETLINK, NLM_F.REQUEST | NLM_F.DUMP, 7);
 * ```
 */
export function beginMessage(w: MessageWriter, type: number, flags: number, seq: number): number {
  w.length = align4(w.length);
  const at = _reserve(w, SIZE.NLMSGHDR);
  w.view.setUint16(at + 4, type, HOST_LE);
  w.view.setUint16(at + 6, flags, HOST_LE);
  w.view.setUint32(at + 8, seq >>> 0, HOST_LE);
  return at;
}

/**
 * Ends the message started at `at`: writes its length.
 *
 * @example
 * ```ts
 * endMessage(w, at);
 * ```
 */
export function endMessage(w: MessageWriter, at: number): void {
  w.view.setUint32(at, w.length - at, HOST_LE);
}

function attrHeader(w: MessageWriter, type: number, payload: number): number {
  w.length = align4(w.length);
  const at = _reserve(w, SIZE.RTATTR + payload);
  w.view.setUint16(at, SIZE.RTATTR + payload, HOST_LE);
  w.view.setUint16(at + 2, type, HOST_LE);
  return at + SIZE.RTATTR;
}

function pad(w: MessageWriter): void {
  const aligned = align4(w.length);
  if (aligned !== w.length) _reserve(w, aligned - w.length);
}

/**
 * Writes an attribute whose payload is `data`.
 *
 * @example
 * ```ts
 * putBytes(w, IFLA.ADDRESS, new Uint8Array([2, 0, 0, 0, 0, 1]));
 * ```
 */
export function putBytes(w: MessageWriter, type: number, data: Uint8Array): void {
  const at = attrHeader(w, type, data.length);
  w.bytes.set(data, at);
  pad(w);
}

const encoder = new TextEncoder();

/**
 * Writes a NUL-terminated string attribute (`IFLA_IFNAME`, `IFLA_INFO_KIND`, …).
 *
 * @example
 * ```ts
 * putString(w, IFLA.IFNAME, "eth0");
 * ```
 */
export function putString(w: MessageWriter, type: number, value: string): void {
  const max = value.length * 3 + 1;
  const at = attrHeader(w, type, max);
  const { written } = encoder.encodeInto(value, w.bytes.subarray(at, at + max - 1));
  // shrink to the bytes actually written plus the NUL
  w.length = at + written + 1;
  w.view.setUint16(at - SIZE.RTATTR, SIZE.RTATTR + written + 1, HOST_LE);
  w.bytes[at + written] = 0;
  pad(w);
}

/**
 * Writes a string attribute without a terminating NUL (`IFLA_IFALIAS` is read up to its length).
 *
 * @example
 * ```ts
 * putStringRaw(w, IFLA.IFALIAS, "underlay:demo");
 * ```
 */
export function putStringRaw(w: MessageWriter, type: number, value: string): void {
  putBytes(w, type, encoder.encode(value));
}

/**
 * Writes a one-byte attribute.
 *
 * @example
 * ```ts
 * putU8(w, RTA.PREF, 0);
 * ```
 */
export function putU8(w: MessageWriter, type: number, value: number): void {
  const at = attrHeader(w, type, 1);
  w.bytes[at] = value;
  pad(w);
}

/**
 * Writes a 16-bit attribute in host order.
 *
 * @example
 * ```ts
 * putU16(w, IPVLAN.ATTR_MODE, IPVLAN.MODE.l3);
 * ```
 */
export function putU16(w: MessageWriter, type: number, value: number): void {
  const at = attrHeader(w, type, 2);
  w.view.setUint16(at, value, HOST_LE);
  pad(w);
}

/**
 * Writes a 16-bit attribute in network order (`IFLA_VLAN_PROTOCOL`).
 *
 * @example
 * ```ts
 * putU16be(w, VLAN.ATTR_PROTOCOL, 0x8100);
 * ```
 */
export function putU16be(w: MessageWriter, type: number, value: number): void {
  const at = attrHeader(w, type, 2);
  w.view.setUint16(at, value, false);
  pad(w);
}

/**
 * Writes a 32-bit attribute in host order.
 *
 * @example
 * ```ts
 * putU32(w, IFLA.MTU, 1500);
 * ```
 */
export function putU32(w: MessageWriter, type: number, value: number): void {
  const at = attrHeader(w, type, 4);
  w.view.setUint32(at, value >>> 0, HOST_LE);
}

/**
 * Opens a nested attribute; close it with {@link endNest}. Returns its offset.
 *
 * @example
 * ```ts
 * const info = beginNest(w, IFLA.LINKINFO);
 * putString(w, IFLA_INFO.KIND, "macvlan");
 * endNest(w, info);
 * ```
 */
export function beginNest(w: MessageWriter, type: number): number {
  return attrHeader(w, type, 0) - SIZE.RTATTR;
}

/**
 * Closes the nested attribute opened at `at`: writes its length (header and everything since).
 *
 * @example
 * ```ts
 * endNest(w, info);
 * ```
 */
export function endNest(w: MessageWriter, at: number): void {
  w.view.setUint16(at, w.length - at, HOST_LE);
}
