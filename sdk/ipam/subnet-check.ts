/**
 * Validates {@link PoolOptions} and resolves them into numbers in one pass: every problem is an
 * {@link Issue} whose path names the field (`<path>.cidr`, `<path>.gateway`, `<path>.ipRange`,
 * `<path>.exclude[1]` / `<path>.exclude.host`) and whose message names the value and the fix.
 * @module
 */
import type { Issue } from "../errors.ts";
import {
  badCidrMessage,
  badIpMessage,
  cidrContains,
  familyName,
  formatIp,
  leadingZeroNote,
  ipInCidr,
  parseCidr,
  parseIp,
  type ParsedCidr,
  type ParsedIp,
} from "../lib/address.ts";
import type { PoolOptions } from "./types.ts";
import { policyGateway, reservedKind, usableRange } from "./usable.ts";

/** Pool options turned into numbers (offsets relative to the network address). */
export interface ResolvedSubnet {
  /** The subnet. */
  readonly cidr: ParsedCidr;
  /** Gateway offset (explicit, else by policy), or `null`. */
  readonly gateway: bigint | null;
  /** The ip-range, if given. */
  readonly range: ParsedCidr | null;
  /** Excluded offsets. */
  readonly excluded: readonly bigint[];
}

/** Result of {@link checkSubnet}: the issues, and the resolved subnet when there are none. */
export interface SubnetCheck {
  /** Every problem found. */
  readonly issues: readonly Issue[];
  /** The resolved subnet (`null` when `issues` is not empty). */
  readonly subnet: ResolvedSubnet | null;
}

const join = (path: string, field: string): string => (path === "" ? field : `${path}.${field}`);
const q = (s: string): string => JSON.stringify(s);

/** A sensible example of a sub-range: the upper half of the subnet (Docker's own example). */
function exampleRange(cidr: ParsedCidr): string {
  if (cidr.prefix >= cidr.bits) return cidr.text;
  return `${formatIp(cidr.family, cidr.network + cidr.size / 2n)}/${cidr.prefix + 1}`;
}

/** Checks one address that must be a host of the subnet; pushes an issue and returns null if not. */
function hostOf(
  cidr: ParsedCidr,
  text: string,
  what: string,
  path: string,
  issues: Issue[],
  allowUnusable: boolean,
): ParsedIp | null {
  const ip = parseIp(text);
  const firstHost = formatIp(cidr.family, cidr.network + usableRange(cidr).first);
  if (ip === null) {
    issues.push({ path, message: badIpMessage(what, text) });
    return null;
  }
  if (ip.family !== cidr.family) {
    issues.push({
      path,
      message: `${what} ${ip.text} is ${familyName(ip.family)} but subnet ${cidr.text} is ${familyName(cidr.family)} — give an ${familyName(cidr.family)} address inside ${cidr.text}`,
    });
    return null;
  }
  if (!ipInCidr(ip, cidr)) {
    issues.push({ path, message: `${what} ${ip.text} is outside subnet ${cidr.text} — pick an address inside it, e.g. ${firstHost}` });
    return null;
  }
  const kind = reservedKind(cidr, ip.value - cidr.network);
  if (kind !== null && !allowUnusable) {
    issues.push({
      path,
      message: `${what} ${ip.text} is the ${kind === "network" && cidr.family === 6 ? "Subnet-Router anycast" : kind} address of ${cidr.text} — pick a host address, e.g. ${firstHost}`,
    });
    return null;
  }
  return ip;
}

const MAPPED = parseCidr("::ffff:0:0/96") as ParsedCidr;

/**
 * Why a /32 or /128 cannot be a subnet (`null` for any other prefix). A single address leaves
 * nothing to share: no gateway, and the one endpoint would get the network address itself.
 * /31 and /127 stay allowed: two addresses, both usable (point-to-point, RFC 3021 / RFC 6164).
 *
 * @example
 * ```ts
 * singleAddressProblem(parseCidr("10.0.0.7/32")!); // "10.0.0.7/32 is a single address …"
 * ```
 */
export function singleAddressProblem(cidr: ParsedCidr): string | null {
  if (cidr.prefix !== cidr.bits) return null;
  const p2p = cidr.family === 4 ? "/31" : "/127";
  return `${cidr.text} is a single address, not a subnet: there is no room for a gateway or a second endpoint, and the one endpoint would get the network address — use ${p2p} (two addresses, point-to-point) or a shorter prefix such as /${cidr.family === 4 ? 24 : 64}`;
}

/**
 * Validates and resolves pool options. `path` prefixes every issue path (`""` for none).
 *
 * @example
 * ```ts
 * checkSubnet({ cidr: "192.168.1.5/24", gatewayPolicy: "first" }, "networks.pub.subnets[0]").issues;
 * // [{ path: "networks.pub.subnets[0].cidr", message: "192.168.1.5/24 has host bits set — did you mean 192.168.1.0/24?" }]
 * ```
 */
export function checkSubnet(options: PoolOptions, path: string): SubnetCheck {
  const issues: Issue[] = [];
  const cidr = parseCidr(options.cidr);
  if (cidr === null) {
    issues.push({ path: join(path, "cidr"), message: badCidrMessage("a subnet", options.cidr) });
    return { issues, subnet: null };
  }
  if (cidr.hostBitsSet) {
    issues.push({ path: join(path, "cidr"), message: `${options.cidr} has host bits set — did you mean ${cidr.text}?` });
  }
  const single = singleAddressProblem(cidr);
  if (single !== null) issues.push({ path: join(path, "cidr"), message: single });
  if (cidrContains(MAPPED, cidr)) {
    issues.push({ path: join(path, "cidr"), message: `${cidr.text} lies in ::ffff:0:0/96, where IPv6 writes IPv4 addresses (IPv4-mapped) — use the IPv4 subnet itself, or an IPv6 subnet such as fd00::/64` });
  }

  let gateway: bigint | null = policyGateway(cidr, options.gatewayPolicy);
  if (options.gateway !== undefined) {
    const g = hostOf(cidr, options.gateway, "gateway", join(path, "gateway"), issues, false);
    gateway = g === null ? null : g.value - cidr.network;
  }

  let range: ParsedCidr | null = null;
  if (options.ipRange !== undefined) {
    const at = join(path, "ipRange");
    range = parseCidr(options.ipRange);
    if (range === null) {
      issues.push({ path: at, message: badCidrMessage("an ip-range", options.ipRange) });
    } else if (range.hostBitsSet) {
      issues.push({ path: at, message: `ip-range ${options.ipRange} has host bits set — did you mean ${range.text}?` });
    } else if (!cidrContains(cidr, range)) {
      issues.push({
        path: at,
        message: `ip-range ${range.text} is not inside subnet ${cidr.text} — pick a range within it, e.g. ${exampleRange(cidr)}`,
      });
    } else {
      const { first, last } = usableRange(cidr);
      const lo = range.network - cidr.network;
      const hi = lo + range.size - 1n;
      if (hi < first || lo > last) {
        issues.push({
          path: at,
          message: `ip-range ${range.text} holds only the ${lo < first ? "network" : "broadcast"} address of ${cidr.text}, nothing assignable — widen it, e.g. ${exampleRange(cidr)}`,
        });
      }
    }
  }

  const excluded: bigint[] = [];
  const entries: [string, string][] =
    options.exclude === undefined
      ? []
      : Array.isArray(options.exclude)
        ? (options.exclude as readonly string[]).map((v, i) => [`exclude[${i}]`, v])
        : Object.entries(options.exclude as Readonly<Record<string, string>>).map(([k, v]) => [`exclude.${k}`, v]);
  for (const [field, text] of entries) {
    const ip = hostOf(cidr, text, "excluded address", join(path, field), issues, true);
    if (ip !== null) excluded.push(ip.value - cidr.network);
  }

  if (issues.length > 0) return { issues, subnet: null };
  return { issues, subnet: { cidr, gateway, range, excluded } };
}
