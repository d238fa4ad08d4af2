/**
 * The networks of a lab as IPAM sees them: the distinct networks by name, in first-use order (the
 * endpoints', then those declared without an endpoint). Name clashes between different network
 * objects are the spec validator's to report; IPAM keeps the first one.
 * @module
 */
import { labNetworks } from "../spec/validate.ts";
import type { LabSpec, NetworkSpec } from "../spec/types.ts";

/**
 * Distinct networks of a lab by name, in the order they are first used.
 *
 * @example
 * ```ts
 * distinctNetworks(spec).map((n) => n.name); // ["pub", "db"]
 * ```
 */
export function distinctNetworks(spec: LabSpec): NetworkSpec[] {
  return labNetworks(spec).networks;
}
