/**
 * Canonical text forms, so that what a plan says and what the kernel prints compare equal:
 * addresses as `inet_ntop` prints them (IPv6 lowercase, longest zero run compressed, `::ffff:a.b.c.d`
 * for mapped IPv4), CIDRs with an explicit prefix length, route destinations with `default`, and
 * sysctl keys in the dotted form `sysctl` prints (and the check that a key is one). Shared by the
 * state readers (`ip -json` and netlink) and the facts they are compared with.
 * @module
 */
import { UnderlayError } from "../errors.ts";

/**
 * The address family of an IP address (without prefix), or `null` when it is not one.
 *
 * @example
 * ```ts
 * ipFamily("10.0.0.1"); // 4
 * ipFamily("fd00::1"); // 6
 * ipFamily("eth0"); // null
 * ```
 */
export function ipFamily(address: string): 4 | 6 | null {
  if (parseV4(address) !== null) return 4;
  if (parseV6(address) !== null) return 6;
  return null;
}

/**
 * The canonical form of an IP address, or `null` when `address` is not one.
 *
 * @example
 * ```ts
 * canonicalIp("FD00:0:0::0002"); // "fd00::2"
 * canonicalIp("::FFFF:10.0.0.1"); // "::ffff:10.0.0.1"
 * ```
 */
export function canonicalIp(address: string): string | null {
  const v4 = parseV4(address);
  if (v4 !== null) return v4.join(".");
  const v6 = parseV6(address);
  return v6 === null ? null : formatV6(v6);
}

/**
 * The canonical form of an interface address `ip/len` (the host part is kept); a bare address
 * gets `/32` or `/128`. `null` when it is not valid.
 *
 * @example
 * ```ts
 * canonicalCidr("FD00::0002/64"); // "fd00::2/64"
 * canonicalCidr("10.0.0.2"); // "10.0.0.2/32"
 * ```
 */
export function canonicalCidr(cidr: string): string | null {
  const parts = splitCidr(cidr);
  if (parts === null) return null;
  const ip = canonicalIp(parts.address);
  return ip === null ? null : `${ip}/${parts.length}`;
}

/**
 * The canonical form of a route destination: `default` for `default`, `0.0.0.0/0` and `::/0`;
 * otherwise the network CIDR (host bits cleared, `/32`/`/128` added to a bare address).
 * `null` when it is not valid.
 *
 * @example
 * ```ts
 * canonicalDst("::/0"); // "default"
 * canonicalDst("10.1.2.3/16"); // "10.1.0.0/16"
 * canonicalDst("10.1.2.3"); // "10.1.2.3/32"
 * ```
 */
export function canonicalDst(dst: string): string | null {
  if (dst === "default") return "default";
  const parts = splitCidr(dst);
  if (parts === null) return null;
  const v4 = parseV4(parts.address);
  if (v4 !== null) {
    if (parts.length === 0) return "default";
    return `${mask(v4, 8, parts.length).join(".")}/${parts.length}`;
  }
  const v6 = parseV6(parts.address);
  if (v6 === null) return null;
  if (parts.length === 0) return "default";
  return `${formatV6(mask(v6, 16, parts.length))}/${parts.length}`;
}

/**
 * The key as `sysctl` prints it: dot-separated, with dots inside a component (an interface
 * named `eth0.50`) written as `/`. Like procps, a key whose first separator is `/` is in path
 * form and has its `/` and `.` swapped.
 *
 * @example
 * ```ts
 * sysctlKey("net/ipv6/conf/eth0.50/accept_ra"); // "net.ipv6.conf.eth0/50.accept_ra"
 * sysctlKey("net.ipv6.conf.all.forwarding"); // unchanged
 * ```
 */
export function sysctlKey(key: string): string {
  const first = key.search(/[./]/);
  if (first === -1 || key[first] === ".") return key;
  return key.replace(/[./]/g, (c) => (c === "/" ? "." : "/"));
}

interface CidrParts {
  readonly address: string;
  readonly length: number;
}

function splitCidr(cidr: string): CidrParts | null {
  const slash = cidr.indexOf("/");
  const address = slash === -1 ? cidr : cidr.slice(0, slash);
  const family = ipFamily(address);
  if (family === null) return null;
  const max = family === 4 ? 32 : 128;
  if (slash === -1) return { address, length: max };
  const text = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(text)) return null;
  const length = Number(text);
  return length > max ? null : { address, length };
}

function mask(words: readonly number[], bits: number, length: number): number[] {
  return words.map((w, i) => {
    const keep = Math.min(bits, Math.max(0, length - i * bits));
    return keep === 0 ? 0 : w & (((1 << bits) - 1) ^ ((1 << (bits - keep)) - 1));
  });
}

function parseV4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseV6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(":");
  if (body.includes(".")) {
    const v4 = parseV4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    body = body.slice(0, lastColon + 1);
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] ?? "");
  if (head === null) return null;
  if (halves.length === 1) {
    const all = [...head, ...tail];
    return all.length === 8 ? all : null;
  }
  const rest = groups(halves[1] ?? "");
  if (rest === null) return null;
  const known = head.length + rest.length + tail.length;
  if (known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

/** Formats eight 16-bit words the way glibc's `inet_ntop` does (RFC 5952 plus mapped/compatible IPv4). */
function formatV6(words: readonly number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  const embedsV4 = bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff));
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && embedsV4) {
      const a = words[6] ?? 0;
      const b = words[7] ?? 0;
      out += `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
      break;
    }
    out += (words[i] ?? 0).toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ":";
  return out;
}

/**
 * Checks sysctl keys before they go on a command line: dotted or slashed names of letters,
 * digits, `_`, `-`, `.`, `/` and `@` that do not start with `-`.
 *
 * @example
 * ```ts
 * checkSysctlKeys(["net.ipv6.conf.all.accept_ra"]); // ok
 * checkSysctlKeys(["-w"]); // throws UnderlayError USAGE
 * ```
 */
export function checkSysctlKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (!/^[A-Za-z0-9_@][A-Za-z0-9_.@/-]*$/.test(key)) {
      throw new UnderlayError(
        "USAGE",
        `sysctl key ${JSON.stringify(key)} is not a sysctl name — use a dotted name like net.ipv6.conf.all.accept_ra`,
      );
    }
  }
}
