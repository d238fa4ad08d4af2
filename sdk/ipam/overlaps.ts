/**
 * Overlap detection between the subnets of a lab (across networks and within one network).
 * @module
 */
import type { Issue } from "../errors.ts";
import { cidrsOverlap, type ParsedCidr } from "../lib/address.ts";

/** A subnet placed in a lab: which network, which position, and its parsed CIDR. */
export interface PlacedSubnet {
  /** Network name. */
  readonly network: string;
  /** Index in the network's `subnets`. */
  readonly index: number;
  /** The parsed subnet. */
  readonly cidr: ParsedCidr;
}

/**
 * One issue per subnet that overlaps an earlier one (in the order given), at
 * `networks.<name>.subnets[<i>].cidr`, naming both subnets.
 *
 * @example
 * ```ts
 * findOverlaps([
 *   { network: "a", index: 0, cidr: parseCidr("10.0.0.0/16")! },
 *   { network: "b", index: 0, cidr: parseCidr("10.0.1.0/24")! },
 * ]);
 * // [{ path: "networks.b.subnets[0].cidr", message: "10.0.1.0/24 overlaps 10.0.0.0/16 of network \"a\" (networks.a.subnets[0]) — …" }]
 * ```
 */
export function findOverlaps(subnets: readonly PlacedSubnet[]): Issue[] {
  const issues: Issue[] = [];
  subnets.forEach((b, j) => {
    for (let i = 0; i < j; i++) {
      const a = subnets[i] as PlacedSubnet;
      if (!cidrsOverlap(a.cidr, b.cidr)) continue;
      const where =
        a.network === b.network
          ? `(subnets[${a.index}]) of the same network — merge them or pick disjoint subnets`
          : `of network "${a.network}" (networks.${a.network}.subnets[${a.index}]) — pick a subnet that overlaps no other network's`;
      issues.push({ path: `networks.${b.network}.subnets[${b.index}].cidr`, message: `${b.cidr.text} overlaps ${a.cidr.text} ${where}` });
      break;
    }
  });
  return issues;
}
