/**
 * Which endpoint should reach which address, from the plan alone (pure): the rules of the
 * reference documents — macvlan bridge and ipvlan L2 reach the same subnet only; ipvlan L3/L3S
 * route between all subnets of a network; private/vepa/source isolate siblings (a VEPA hairpin
 * needs an external switch); different networks never reach each other.
 * @module
 */
import { ipTextInCidr } from "../lib/address.ts";
import type { NetworkInfo, PlanData } from "../plan/types.ts";

/** One probe of the ping matrix. */
export interface Probe {
  /** Source endpoint. */
  readonly from: string;
  /** Source namespace. */
  readonly netns: string;
  /** Target endpoint. */
  readonly to: string;
  /** Target address (no prefix). */
  readonly address: string;
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** Network the probe crosses (target interface's network). */
  readonly network: string;
  /** Whether the documents say it should succeed. */
  readonly expected: boolean;
  /** Why (for the matrix legend). */
  readonly why: string;
}

function subnetOf(n: NetworkInfo, ip: string): string | null {
  for (const s of n.subnets) {
    if (ipTextInCidr(ip, s.cidr)) return s.cidr;
  }
  return null;
}

function siblingsTalk(n: NetworkInfo): boolean {
  if (n.driver === "macvlan") return n.mode === "bridge";
  return n.flag === null || n.flag === "bridge";
}

/**
 * Lists every probe (each endpoint → every address of every other endpoint) with its expected outcome.
 *
 * @example
 * ```ts
 * expectedMatrix(plan.toJSON()).filter((p) => p.expected).length;
 * ```
 */
export function expectedMatrix(plan: PlanData): Probe[] {
  const nets = new Map(plan.networks.map((n) => [n.name, n]));
  const probes: Probe[] = [];
  for (const a of plan.endpoints) {
    for (const b of plan.endpoints) {
      if (a === b) continue;
      for (const bi of b.interfaces) {
        const n = nets.get(bi.network) as NetworkInfo;
        for (const cidr of bi.addresses) {
          const address = cidr.split("/")[0] as string;
          const family = address.includes(":") ? 6 : 4;
          const ai = a.interfaces.find((i) => i.network === bi.network);
          let expected = false;
          let why: string;
          if (ai === undefined) {
            why = "different networks";
          } else if (!siblingsTalk(n)) {
            why = `${n.driver} ${n.flag ?? n.mode} isolates endpoints`;
          } else if (!ai.addresses.some((x) => x.includes(":") === (family === 6))) {
            why = `no IPv${family} address on ${a.name}`;
          } else if (n.driver === "ipvlan" && (n.mode === "l3" || n.mode === "l3s")) {
            expected = true;
            why = `ipvlan ${n.mode} routes between subnets`;
          } else {
            const target = subnetOf(n, address);
            expected = ai.addresses.some((x) => subnetOf(n, x.split("/")[0] as string) === target);
            why = expected ? "same subnet" : "different subnets need a router";
          }
          probes.push({ from: a.name, netns: a.netns, to: b.name, address, family, network: bi.network, expected, why });
        }
      }
    }
  }
  return probes;
}
