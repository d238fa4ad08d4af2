/**
 * Address parsing and formatting for IPAM, on top of `ip-address` (no hand-written parsing):
 * an address is a family plus a `bigint`, a CIDR is a family, a network `bigint` and a prefix.
 * Parsers return `null` for malformed input so callers can report an {@link Issue} in their own
 * words; nothing here throws on user input.
 * @module
 */
import { Address4, Address6 } from "ip-address";

/** Address family. */
export type Family = 4 | 6;

/** A parsed bare address. */
export interface ParsedIp {
  /** Address family. */
  readonly family: Family;
  /** The address as an unsigned integer. */
  readonly value: bigint;
  /** Canonical text (`2001:db8::5`, `192.168.1.5`). */
  readonly text: string;
}

/** A parsed CIDR (the input may have host bits set; see {@link ParsedCidr.hostBitsSet}). */
export interface ParsedCidr {
  /** Address family. */
  readonly family: Family;
  /** Prefix length. */
  readonly prefix: number;
  /** Address width: 32 or 128. */
  readonly bits: 32 | 128;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  /** Number of addresses in the block (`2 ** (bits - prefix)`). */
  readonly size: bigint;
  /** Canonical network form, e.g. `192.168.1.0/24`, `2001:db8::/64`. */
  readonly text: string;
  /** Whether the input had host bits set (`192.168.1.5/24`). */
  readonly hostBitsSet: boolean;
}

const PREFIX = /^\d{1,3}$/;

/** Returns the family an address string is written in, judged by its shape (`:` means IPv6). */
function familyOf(text: string): Family {
  return text.includes(":") ? 6 : 4;
}

/**
 * Parses a bare IPv4 or IPv6 address (no prefix, no zone). Returns `null` when malformed.
 *
 * @example
 * ```ts
 * parseIp("2001:DB8::0:5"); // { family: 6, value: 42540766411282592856903984951653826565n, text: "2001:db8::5" }
 * parseIp("10.0.0.1/24");   // null (a prefix is not allowed here)
 * ```
 */
export function parseIp(text: string): ParsedIp | null {
  if (text.includes("/") || text.includes("%") || text.trim() !== text) return null;
  try {
    if (familyOf(text) === 4) {
      if (!Address4.isValid(text)) return null;
      const a = new Address4(text);
      return { family: 4, value: a.bigInt(), text: a.correctForm() };
    }
    if (!Address6.isValid(text)) return null;
    const a = new Address6(text);
    return { family: 6, value: a.bigInt(), text: a.correctForm() };
  } catch {
    return null;
  }
}

/**
 * Parses `address/prefix` (IPv4 or IPv6, no zone). Host bits are allowed and reported through
 * `hostBitsSet`, so the caller can say "did you mean …". Returns `null` when malformed or when
 * the prefix is missing.
 *
 * @example
 * ```ts
 * parseCidr("192.168.1.5/24"); // { family: 4, prefix: 24, text: "192.168.1.0/24", hostBitsSet: true, … }
 * parseCidr("192.168.1.0");    // null (no prefix)
 * ```
 */
export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf("/");
  if (slash < 0 || text.includes("%") || text.trim() !== text) return null;
  const prefixText = text.slice(slash + 1);
  if (!PREFIX.test(prefixText) || (prefixText.length > 1 && prefixText.startsWith("0"))) return null;
  const ip = parseIp(text.slice(0, slash));
  if (ip === null) return null;
  const prefix = Number(prefixText);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return null;
  try {
    const start = ip.family === 4 ? new Address4(text).startAddress() : new Address6(text).startAddress();
    const network = start.bigInt();
    return {
      family: ip.family,
      prefix,
      bits,
      network,
      size: 1n << BigInt(bits - prefix),
      text: `${start.correctForm()}/${prefix}`,
      hostBitsSet: network !== ip.value,
    };
  } catch {
    return null;
  }
}

/** What iproute2 reads a decimal number written with a leading zero as (`strtoul` base 0: octal). */
function octalReading(digits: string): string {
  return /^[0-7]+$/.test(digits) ? `octal, i.e. ${parseInt(digits, 8)}` : "octal, and it is no octal number";
}

/**
 * Explains a leading zero in an IPv4 octet or a prefix length (`10.0.0.010`, `10.0.0.0/024`):
 * iproute2 parses both with `strtoul(…, 0)`, so `024` means octal 20, and an address written
 * that way never matches what the kernel reports back. Returns `""` when there is none, else a
 * clause to append to a message.
 *
 * @example
 * ```ts
 * leadingZeroNote("10.77.0.250/024"); // " — \"024\" has a leading zero, which iproute2 reads as octal, i.e. 20: write 24"
 * ```
 */
export function leadingZeroNote(text: string): string {
  const slash = text.indexOf("/");
  const prefix = slash < 0 ? "" : text.slice(slash + 1);
  if (/^0[0-9]+$/.test(prefix)) {
    return ` — "${prefix}" has a leading zero, which iproute2 reads as ${octalReading(prefix)}: write ${Number(prefix)}`;
  }
  const address = slash < 0 ? text : text.slice(0, slash);
  const octets = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address.includes(":") ? (address.split(":").pop() ?? "") : address);
  const bad = octets?.slice(1).find((o) => /^0[0-9]+$/.test(o));
  if (bad !== undefined) return ` — "${bad}" has a leading zero, which iproute2 reads as ${octalReading(bad)}: write ${Number(bad)}`;
  return "";
}

/**
 * Formats an unsigned integer as an address of the given family (canonical form).
 *
 * @example
 * ```ts
 * formatIp(4, 3232235778n); // "192.168.1.2"
 * ```
 */
export function formatIp(family: Family, value: bigint): string {
  return family === 4 ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
}

/**
 * Whether two parsed CIDRs share at least one address (always `false` across families).
 *
 * @example
 * ```ts
 * cidrsOverlap(parseCidr("10.0.0.0/8")!, parseCidr("10.1.0.0/16")!); // true
 * ```
 */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.family !== b.family) return false;
  return a.network < b.network + b.size && b.network < a.network + a.size;
}

/**
 * Whether `inner` lies entirely inside `outer`.
 *
 * @example
 * ```ts
 * cidrContains(parseCidr("192.168.32.0/24")!, parseCidr("192.168.32.128/25")!); // true
 * ```
 */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  return (
    outer.family === inner.family &&
    inner.prefix >= outer.prefix &&
    inner.network >= outer.network &&
    inner.network + inner.size <= outer.network + outer.size
  );
}

/**
 * Whether a parsed address lies inside a parsed CIDR.
 *
 * @example
 * ```ts
 * ipInCidr(parseIp("10.0.0.5")!, parseCidr("10.0.0.0/24")!); // true
 * ```
 */
export function ipInCidr(ip: ParsedIp, cidr: ParsedCidr): boolean {
  return ip.family === cidr.family && ip.value >= cidr.network && ip.value < cidr.network + cidr.size;
}

/**
 * Human name of a family, for messages.
 *
 * @example
 * ```ts
 * familyName(6); // "IPv6"
 * ```
 */
export function familyName(family: Family): "IPv4" | "IPv6" {
  return family === 4 ? "IPv4" : "IPv6";
}

/**
 * Whether two CIDRs given as text overlap (host bits allowed, as on an interface address);
 * `false` when either does not parse or the families differ.
 *
 * @example
 * ```ts
 * cidrTextsOverlap("192.168.1.0/24", "192.168.1.250/24"); // true
 * ```
 */
export function cidrTextsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== null && y !== null && cidrsOverlap(x, y);
}

/**
 * Whether an address given as text lies in a CIDR given as text; `false` when either does not parse.
 *
 * @example
 * ```ts
 * ipTextInCidr("10.1.214.10", "10.1.214.0/24"); // true
 * ```
 */
export function ipTextInCidr(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const c = parseCidr(cidr);
  return a !== null && c !== null && ipInCidr(a, c);
}

const q = (s: string): string => JSON.stringify(s);

/**
 * Message for a string that should be a CIDR but is not one.
 *
 * @example
 * ```ts
 * badCidrMessage("a subnet", "10.0.0.0"); // 'expected a subnet in CIDR form but received "10.0.0.0" — add a prefix length, e.g. 10.0.0.0/24'
 * ```
 */
export function badCidrMessage(what: string, text: string): string {
  const bare = parseIp(text);
  if (bare !== null) {
    const example = `${bare.text}/${bare.family === 4 ? 24 : 64}`;
    return `expected ${what} in CIDR form but received ${q(text)} — add a prefix length, e.g. ${example}`;
  }
  return `expected ${what} like 192.168.1.0/24 or 2001:db8::/64 but received ${q(text)}${leadingZeroNote(text)}`;
}

/**
 * Message for a string that should be a bare address but is not one.
 *
 * @example
 * ```ts
 * badIpMessage("gateway", "10.0.0.1/24"); // 'expected a bare address for gateway but received "10.0.0.1/24" — drop the "/24", …'
 * ```
 */
export function badIpMessage(what: string, text: string): string {
  const slash = text.indexOf("/");
  if (slash >= 0 && parseIp(text.slice(0, slash)) !== null) {
    return `expected a bare address for ${what} but received ${q(text)} — drop the "/${text.slice(slash + 1)}", the prefix comes from the subnet`;
  }
  return `expected an IPv4 or IPv6 address for ${what} (like 192.168.1.10 or 2001:db8::10) but received ${q(text)}${leadingZeroNote(text)}`;
}
