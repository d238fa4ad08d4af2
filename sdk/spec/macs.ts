/**
 * The MACs of a lab, unique within it: static MACs as given (canonical lowercase), endpoint
 * interfaces and host-access shims derived deterministically, each from its own domain
 * ({@link deterministicMac}, {@link shimMac}). Two static MACs that are equal, or a static MAC
 * equal to a derived one, are issues naming both owners; two derived MACs that are equal by
 * hash accident are resolved deterministically: the later one (endpoints in order, then shims)
 * is derived again with the next attempt number until it is unique.
 * @module
 */
import * as v from "valibot";
import type { Issue } from "../errors.ts";
import { deterministicMac, shimMac } from "./names.ts";
import { MacSchema } from "./schema.ts";
import type { LabSpec, NetworkSpec } from "./types.ts";
import { canonicalMac } from "./values.ts";

/** The MACs {@link assignMacs} planned. */
export interface LabMacs {
  /** Per endpoint (in order), per attachment (in order): its MAC, or `null` (ipvlan, macvlan passthru). */
  readonly attachments: readonly (readonly (string | null)[])[];
  /** The shim MAC of each macvlan network with host access, by network name. */
  readonly shims: ReadonlyMap<string, string>;
  /** Static MACs used twice, or equal to a derived one. */
  readonly issues: readonly Issue[];
}

interface Claim {
  readonly owner: string;
  readonly path: string;
  readonly derived: boolean;
}

/** At most this many re-derivations per MAC (a second hash accident in a row is already ~10⁻¹²). */
const MAX_ATTEMPTS = 64;

function hasOwnMac(n: NetworkSpec): boolean {
  return n.driver === "macvlan" && n.macvlanMode !== "passthru";
}

function validMac(mac: unknown): mac is string {
  return typeof mac === "string" && v.is(MacSchema, mac);
}

/**
 * Plans every MAC of a lab whose shape is valid. Malformed static MACs are left to the
 * validator (they are neither claimed nor reported here).
 *
 * @example
 * ```ts
 * const { attachments, shims, issues } = assignMacs(spec, networks);
 * attachments[0]?.[0]; // "02:…" — the first endpoint's eth0
 * ```
 */
export function assignMacs(spec: LabSpec, networks: readonly NetworkSpec[]): LabMacs {
  const issues: Issue[] = [];
  const claims = new Map<string, Claim>();
  const endpointOwner = (ep: string, net: string): string => `endpoint "${ep}" on network "${net}"`;
  const shimOwner = (net: string): string => `the host-access shim of network "${net}"`;

  const claimStatic = (mac: string, owner: string, path: string): void => {
    const held = claims.get(mac);
    if (held === undefined) claims.set(mac, { owner, path, derived: false });
    else issues.push({ path, message: `MAC ${mac} is already the static MAC of ${held.owner} (${held.path}) — every MAC of a lab must be unique; pick another` });
  };
  const claimDerived = (derive: (attempt: number) => string, owner: string, path: string): string => {
    for (let attempt = 0; ; attempt++) {
      const mac = derive(attempt);
      const held = claims.get(mac);
      if (held === undefined || attempt >= MAX_ATTEMPTS) {
        claims.set(mac, { owner, path, derived: true });
        return mac;
      }
      if (!held.derived) {
        issues.push({ path: held.path, message: `static MAC ${mac} of ${held.owner} is also the MAC underlay derives for ${owner} — change the static MAC (derived MACs are 02:… hashes of the lab, endpoint and network names)` });
        return mac;
      }
    }
  };

  // Static MACs first: they are fixed, derived ones step aside.
  const statics = spec.endpoints.map((ep) =>
    ep.attachments.map((at) => (hasOwnMac(at.network) && validMac(at.mac) ? canonicalMac(at.mac) : null)),
  );
  spec.endpoints.forEach((ep, i) =>
    ep.attachments.forEach((at, j) => {
      const mac = statics[i]?.[j];
      if (mac !== null && mac !== undefined) claimStatic(mac, endpointOwner(ep.name, at.network.name), `endpoints.${ep.name}.${at.network.name}.mac`);
    }),
  );
  const shimNetworks = networks.filter((n) => n.hostAccess !== undefined && n.driver === "macvlan");
  for (const n of shimNetworks) {
    const mac = n.hostAccess?.mac;
    if (validMac(mac)) claimStatic(canonicalMac(mac), shimOwner(n.name), `networks.${n.name}.hostAccess.mac`);
  }

  const attachments = spec.endpoints.map((ep, i) =>
    ep.attachments.map((at, j) => {
      if (!hasOwnMac(at.network)) return null;
      const given = statics[i]?.[j];
      if (given !== null && given !== undefined) return given;
      return claimDerived((k) => deterministicMac(spec.name, ep.name, at.network.name, k), endpointOwner(ep.name, at.network.name), `endpoints.${ep.name}.${at.network.name}.mac`);
    }),
  );
  const shims = new Map<string, string>();
  for (const n of shimNetworks) {
    const mac = n.hostAccess?.mac;
    shims.set(n.name, validMac(mac) ? canonicalMac(mac) : claimDerived((k) => shimMac(spec.name, n.name, k), shimOwner(n.name), `networks.${n.name}.hostAccess.mac`));
  }
  return { attachments, shims, issues };
}
