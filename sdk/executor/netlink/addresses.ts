/**
 * Addresses between their text form and the bytes netlink carries, on `ip-address`: IPv4/IPv6
 * addresses and prefixes to network-order bytes, bytes back to the canonical text iproute2
 * prints (`inet_ntop`), and MAC addresses both ways.
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { canonicalIp } from "../../lib/canonical.ts";

/** An IP address or prefix as netlink carries it. */
export interface IpBytes {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
  /** Prefix length (32/128 when the text had none). */
  readonly prefixlen: number;
}

/**
 * Parses `10.0.0.2`, `10.0.0.2/24`, `fd00::2/64`; `null` when it is not an address.
 *
 * @example
 * ```ts
 * parseIp("10.0.0.2/24"); // { family: 4, bytes: Uint8Array [10, 0, 0, 2], prefixlen: 24 }
 * ```
 */
export function parseIp(text: string): IpBytes | null {
  // Each request's addresses are parsed when checked and again when encoded, and gateways repeat
  // across endpoints: a small memo halves the parsing (ip-address takes a few µs per address).
  const known = memo.get(text);
  if (known !== undefined) return known;
  if (memo.size >= 1024) memo.clear();
  const parsed = parseUncached(text);
  memo.set(text, parsed);
  return parsed;
}

const memo = new Map<string, IpBytes | null>();

function parseUncached(text: string): IpBytes | null {
  if (text.includes(":")) {
    if (!Address6.isValid(text)) return null;
    const a = new Address6(text);
    if (a.zone !== "") return null;
    const arr = a.toUnsignedByteArray();
    return { family: 6, bytes: Uint8Array.from(arr.length < 16 ? pad16(arr) : arr), prefixlen: a.subnetMask };
  }
  if (!Address4.isValid(text)) return null;
  const a = new Address4(text);
  return { family: 4, bytes: Uint8Array.from(a.toArray()), prefixlen: a.subnetMask };
}

function pad16(bytes: readonly number[]): number[] {
  return [...new Array<number>(16 - bytes.length).fill(0), ...bytes];
}

/**
 * The text iproute2 prints for address bytes (`inet_ntop`): `10.0.0.2`, `fd00::2`, `::ffff:10.0.0.1`.
 *
 * @example
 * ```ts
 * formatIp(new Uint8Array([10, 0, 0, 2])); // "10.0.0.2"
 * ```
 */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const text = Address6.fromUnsignedByteArray([...bytes]).correctForm();
  return canonicalIp(text) ?? text;
}

/**
 * Parses a MAC address `02:f1:00:00:00:01` (or `-` separated) into 6 bytes; `null` when it is not one.
 *
 * @example
 * ```ts
 * parseMac("02:F1:00:00:00:01"); // Uint8Array [2, 241, 0, 0, 0, 1]
 * ```
 */
export function parseMac(text: string): Uint8Array | null {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return null;
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/**
 * Link-layer address bytes as iproute2 prints them (`ll_addr_n2a`): lowercase hex, `:` between.
 *
 * @example
 * ```ts
 * formatMac(new Uint8Array([2, 241, 0, 0, 0, 1])); // "02:f1:00:00:00:01"
 * ```
 */
export function formatMac(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += (i === 0 ? "" : ":") + (bytes[i] as number).toString(16).padStart(2, "0");
  return out;
}
