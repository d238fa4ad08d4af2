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
  /** The attachments (`[endpoint index, attachment index]`) whose MAC is a re-derivation after a hash accident. */
  readonly rederived: readonly (readonly [number, number])[];
  /** Static MACs used twice, or equal to a derived one. */
  readonly issues: readonly Issue[];
}

/** Who holds a MAC: an endpoint's attachment, or a network's shim (`endpoint` null); texts are built only for issues. */
interface Claim {
  readonly endpoint: string | null;
  readonly network: string;
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

const owner = (c: Claim): string => (c.endpoint === null ? `the host-access shim of network "${c.network}"` : `endpoint "${c.endpoint}" on network "${c.network}"`);
const pathOf = (c: Claim): string => (c.endpoint === null ? `networks.${c.network}.hostAccess.mac` : `endpoints.${c.endpoint}.${c.network}.mac`);

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
  const claimStatic = (mac: string, claim: Claim): void => {
    const held = claims.get(mac);
    if (held === undefined) claims.set(mac, claim);
    else issues.push({ path: pathOf(claim), message: `MAC ${mac} is already the static MAC of ${owner(held)} (${pathOf(held)}) — every MAC of a lab must be unique; pick another` });
  };
  let attempts = 0;
  /** Claims the first free derivation of `claim`'s MAC (attempt 0, 1, …); a static MAC in the way is an issue. */
  const claimDerived = (claim: Claim): string => {
    for (let attempt = 0; ; attempt++) {
      const mac = claim.endpoint === null ? shimMac(spec.name, claim.network, attempt) : deterministicMac(spec.name, claim.endpoint, claim.network, attempt);
      const held = claims.get(mac);
      if (held === undefined || attempt >= MAX_ATTEMPTS) {
        claims.set(mac, claim);
        attempts = attempt;
        return mac;
      }
      if (!held.derived) {
        issues.push({ path: pathOf(held), message: `static MAC ${mac} of ${owner(held)} is also the MAC underlay derives for ${owner(claim)} — change the static MAC (derived MACs are 02:… hashes of the lab, endpoint and network names)` });
        return mac;
      }
    }
  };

  // Static MACs first: they are fixed, derived ones step aside.
  const attachments: (string | null)[][] = spec.endpoints.map((ep) =>
    ep.attachments.map((at) => {
      if (!hasOwnMac(at.network) || !validMac(at.mac)) return null;
      const mac = canonicalMac(at.mac);
      claimStatic(mac, { endpoint: ep.name, network: at.network.name, derived: false });
      return mac;
    }),
  );
  const shimNetworks = networks.filter((n) => n.hostAccess !== undefined && n.driver === "macvlan");
  const shims = new Map<string, string>();
  for (const n of shimNetworks) {
    const mac = n.hostAccess?.mac;
    if (!validMac(mac)) continue;
    shims.set(n.name, canonicalMac(mac));
    claimStatic(canonicalMac(mac), { endpoint: null, network: n.name, derived: false });
  }

  const rederived: [number, number][] = [];
  spec.endpoints.forEach((ep, i) => {
    const macs = attachments[i] as (string | null)[];
    ep.attachments.forEach((at, j) => {
      if (macs[j] !== null || !hasOwnMac(at.network)) return;
      macs[j] = claimDerived({ endpoint: ep.name, network: at.network.name, derived: true });
      if (attempts > 0) rederived.push([i, j]);
    });
  });
  for (const n of shimNetworks) {
    if (!shims.has(n.name)) shims.set(n.name, claimDerived({ endpoint: null, network: n.name, derived: true }));
  }
  return { attachments, shims, rederived, issues };
}
