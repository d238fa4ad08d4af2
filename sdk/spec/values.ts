/**
 * Canonical values at the spec boundary: an interface address given as a bare address or as
 * `address/prefix` (the host-access shim's), and MACs. Canonical means what the kernel reports
 * back (`ip -json`): lowercase, IPv6 compressed, a decimal prefix length, so that `verify`
 * converges on what the plan says.
 * @module
 */
import { familyName, leadingZeroNote, parseIp, type ParsedIp } from "../lib/address.ts";

/** An interface address: the address, its prefix length, and the canonical `address/prefix`. */
export interface HostAddress {
  /** The address. */
  readonly ip: ParsedIp;
  /** Prefix length (32 or 128 when none was given). */
  readonly prefix: number;
  /** Canonical text, e.g. `192.168.1.250/32`, `2001:db8::fa/64`. */
  readonly cidr: string;
}

/**
 * Parses an interface address: a bare address (it gets /32 or /128) or `address/prefix` with a
 * decimal prefix length without a leading zero (iproute2 reads `024` as octal 20). Returns the
 * canonical form, or a message naming the value and the fix.
 *
 * @example
 * ```ts
 * parseHostAddress("192.168.1.250", "hostAccess ip");      // { ip: …, prefix: 32, cidr: "192.168.1.250/32" }
 * parseHostAddress("10.77.0.250/024", "hostAccess ip");    // "expected … — \"024\" has a leading zero, …"
 * ```
 */
export function parseHostAddress(text: string, what: string): HostAddress | string {
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  const bad = `expected an address for ${what}, bare or with a prefix length (like 192.168.1.250 or 192.168.1.250/24), but received ${JSON.stringify(text)}${leadingZeroNote(text)}`;
  if (ip === null) return bad;
  const bits = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ip, prefix: bits, cidr: `${ip.text}/${bits}` };
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return bad;
  const prefix = Number(prefixText);
  if (prefix > bits) return `${what} ${text}: a prefix length of ${familyName(ip.family)} is at most ${bits} — write ${ip.text}/${bits} or a bare ${ip.text}`;
  return { ip, prefix, cidr: `${ip.text}/${prefix}` };
}

/**
 * The canonical form of a MAC (`02:42:AC:11:00:02` → `02:42:ac:11:00:02`); validation
 * ({@link MacSchema}) decides whether it is one.
 *
 * @example
 * ```ts
 * canonicalMac("02:42:AC:11:00:02"); // "02:42:ac:11:00:02"
 * ```
 */
export function canonicalMac(mac: string): string {
  return mac.toLowerCase();
}
