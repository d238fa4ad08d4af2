/**
 * The networks of a lab as IPAM sees them: the distinct `attachment.network` objects of the
 * endpoints, identified by name, in first-use order. Name clashes between different network
 * objects are the spec validator's to report; IPAM keeps the first one.
 * @module
 */
import type { LabSpec, NetworkSpec } from "../spec/types.ts";

/**
 * Distinct networks of a lab by name, in the order endpoints first attach to them.
 *
 * @example
 * ```ts
 * distinctNetworks(spec).map((n) => n.name); // ["pub", "db"]
 * ```
 */
export function distinctNetworks(spec: LabSpec): NetworkSpec[] {
  const byName = new Map<string, NetworkSpec>();
  for (const ep of spec.endpoints) {
    for (const at of ep.attachments) {
      if (!byName.has(at.network.name)) byName.set(at.network.name, at.network);
    }
  }
  return [...byName.values()];
}
