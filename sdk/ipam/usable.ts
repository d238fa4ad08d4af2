/**
 * Which offsets of a subnet may be given to hosts. The rules (offsets are relative to the
 * network address):
 *
 * | family | prefix        | usable offsets | not usable                                        |
 * |--------|---------------|----------------|---------------------------------------------------|
 * | IPv4   | ≤ /30         | 1 … size−2     | 0 = network, size−1 = broadcast                   |
 * | IPv4   | /31 (RFC 3021)| 0 … 1          | — (point-to-point: no network/broadcast address)  |
 * | IPv4   | /32           | 0              | — (a single host address)                         |
 * | IPv6   | ≤ /126        | 1 … size−1     | 0 = Subnet-Router anycast (reported as `network`) |
 * | IPv6   | /127 (RFC 6164)| 0 … 1         | —                                                 |
 * | IPv6   | /128          | 0              | —                                                 |
 *
 * IPv6 has no broadcast address, so automatic IPv6 addresses start at `::1`. A /32 or /128 is
 * refused as a subnet (`singleAddressProblem` in `subnet-check.ts`: its one endpoint would get
 * the network address); the rows remain for ip-ranges, which may be a single address. On a
 * single address there is nobody to route through, so policies `first`/`last` pick no gateway.
 * @module
 */
import type { ParsedCidr } from "../lib/address.ts";

/** First and last usable offsets of a subnet (inclusive). */
export interface UsableRange {
  /** First usable offset. */
  readonly first: bigint;
  /** Last usable offset. */
  readonly last: bigint;
}

/**
 * The usable offsets of a subnet, following the table in this module's description.
 *
 * @example
 * ```ts
 * usableRange(parseCidr("192.168.1.0/24")!); // { first: 1n, last: 254n }
 * usableRange(parseCidr("10.0.0.0/31")!);    // { first: 0n, last: 1n }
 * ```
 */
export function usableRange(cidr: ParsedCidr): UsableRange {
  const hostBits = cidr.bits - cidr.prefix;
  if (hostBits <= 1) return { first: 0n, last: cidr.size - 1n };
  return { first: 1n, last: cidr.family === 4 ? cidr.size - 2n : cidr.size - 1n };
}

/**
 * Names an unusable offset (`network` or `broadcast`), or `null` when the offset is usable or
 * outside the subnet.
 *
 * @example
 * ```ts
 * reservedKind(parseCidr("192.168.1.0/24")!, 255n); // "broadcast"
 * ```
 */
export function reservedKind(cidr: ParsedCidr, offset: bigint): "network" | "broadcast" | null {
  if (offset < 0n || offset >= cidr.size) return null;
  const { first, last } = usableRange(cidr);
  if (offset < first) return "network";
  if (offset > last) return "broadcast";
  return null;
}

/**
 * Offset of the gateway a policy picks, or `null` for policy `none` and for single-address
 * subnets (/32, /128).
 *
 * @example
 * ```ts
 * policyGateway(parseCidr("192.168.1.0/24")!, "last"); // 254n (192.168.1.254)
 * ```
 */
export function policyGateway(cidr: ParsedCidr, policy: "first" | "last" | "none"): bigint | null {
  const { first, last } = usableRange(cidr);
  if (policy === "none" || first === last) return null;
  return policy === "first" ? first : last;
}
