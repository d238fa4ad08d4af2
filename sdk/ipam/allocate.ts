/**
 * Addresses for a whole lab, deterministically: subnets are validated (every problem at once),
 * networks without a subnet get Docker's default pool, static addresses are placed first (in
 * endpoint order) and automatic ones after (in endpoint order), so a static address never
 * collides with an automatic one.
 * @module
 */
import type { Issue } from "../errors.ts";
import type { Diagnostic } from "../spec/types.ts";
import type { SubnetInfo } from "./types.ts";
import type { LabSpec } from "../spec/types.ts";
import { familyName, type Family } from "../lib/address.ts";
import { pickDefaultSubnet } from "./default-pools.ts";
import { distinctNetworks } from "./lab-networks.ts";
import { findOverlaps, type PlacedSubnet } from "./overlaps.ts";
import { flat } from "../spec/flat.ts";
import { SubnetPool } from "./pool.ts";
import { placeShim, placeStatics, type NetState, type Slot } from "./static-addresses.ts";
import { checkSubnet } from "./subnet-check.ts";

/** The addressing of a lab, as {@link allocateLab} computes it. */
export interface LabAddressing {
  /** Resolved subnets per network name (default pool filled in), in the order given. */
  readonly subnets: ReadonlyMap<string, readonly SubnetInfo[]>;
  /** Addresses per `${endpoint}/${network}`, in CIDR form with the subnet's prefix, IPv4 first. */
  readonly addresses: ReadonlyMap<string, readonly string[]>;
  /** The gateway of the subnet each address (CIDR form) came from, or `null` for none. */
  readonly gateways: ReadonlyMap<string, string | null>;
  /** Every problem found, each naming the field and the value and saying what to do. */
  readonly issues: readonly Issue[];
  /** Notes that are not errors (default pool picked, gateway unused in ipvlan L3, …). */
  readonly diagnostics: readonly Diagnostic[];
}

const FAMILIES: readonly Family[] = [4, 6];

/**
 * Computes subnets and addresses for every endpoint attachment of a lab. Pure and deterministic:
 * the same spec gives the same result. Problems are returned as `issues`, never thrown.
 *
 * An automatic attachment gets one address from the first IPv4 subnet with room and one from
 * the first IPv6 subnet with room. A static address selects its subnet; an attachment may give
 * one IPv4 and one IPv6 address, and a family it leaves out is still filled automatically.
 *
 * @example
 * ```ts
 * const pub = { name: "pub", driver: "macvlan", internal: false, gatewayPolicy: "first", subnets: [{ cidr: "192.168.1.0/24" }] } as const;
 * const r = allocateLab({ name: "demo", host: null, sandbox: false, endpoints: [
 *   { name: "web", attachments: [{ network: pub, ips: [] }] },
 * ] });
 * r.addresses.get("web/pub"); // ["192.168.1.2/24"]
 * r.subnets.get("pub");       // [{ cidr: "192.168.1.0/24", gateway: "192.168.1.1", ipRange: null }]
 * ```
 */
export function allocateLab(spec: LabSpec): LabAddressing {
  const issues: Issue[] = [];
  const diagnostics: Diagnostic[] = [];
  const networks = distinctNetworks(spec);
  const states = new Map<string, NetState>();

  // 1. Explicit subnets.
  const placed: PlacedSubnet[] = [];
  for (const n of networks) {
    const st: NetState = { network: n, pools: [], broken: false };
    states.set(n.name, st);
    n.subnets.forEach((s, i) => {
      const path = `networks.${n.name}.subnets[${i}]`;
      const options = { ...s, gatewayPolicy: n.gatewayPolicy };
      const check = checkSubnet(options, path);
      if (check.subnet === null) {
        issues.push(...check.issues);
        st.broken = true;
        return;
      }
      st.pools.push(new SubnetPool(options));
      placed.push({ network: n.name, index: i, cidr: check.subnet.cidr });
      if (s.gateway !== undefined && n.driver === "ipvlan" && (n.ipvlanMode === "l3" || n.ipvlanMode === "l3s")) {
        diagnostics.push({
          level: "warning",
          path: `${path}.gateway`,
          message: `gateway ${s.gateway} is kept reserved but not used as a route: ipvlan ${n.ipvlanMode} routes through the device (default dev eth0), as Docker ignores --gateway in L3 mode`,
        });
      }
    });
  }
  issues.push(...findOverlaps(placed));

  // 2. Default pools for networks without subnets.
  const taken = networks.flatMap((n) => n.subnets.map((s) => s.cidr));
  for (const n of networks) {
    // Docker gives a network without subnets a default IPv4 pool, and also one whose subnets are
    // all IPv6 (unless IPv4 is turned off with .ipv4(false)).
    const v6only = n.subnets.length > 0 && n.subnets.every((s) => s.cidr.includes(":"));
    if (n.subnets.length > 0 && !(v6only && n.ipv4 !== false)) continue;
    const cidr = pickDefaultSubnet(taken);
    const st = states.get(n.name) as NetState;
    if (cidr === null) {
      st.broken = true;
      issues.push({
        path: `networks.${n.name}.subnets`,
        message: `no default subnet is left: 172.18–31.0.0/16 and every 192.168.x.0/20 overlap subnets of this lab — give network "${n.name}" a subnet`,
      });
      continue;
    }
    taken.push(cidr);
    st.pools.push(new SubnetPool({ cidr, gatewayPolicy: n.gatewayPolicy }));
    diagnostics.push({
      level: "info",
      path: `networks.${n.name}.subnets`,
      message: v6only
        ? `only IPv6 subnets given: adding IPv4 ${cidr} from the default pool, as Docker does — use .ipv4(false) for an IPv6-only network`
        : `no subnet given: using ${cidr} from the default pool`,
    });
  }

  // 3. Static addresses, in endpoint order.
  const gateways = new Map<string, string | null>();
  const slots = new Map<string, Slot>();
  const holders = new Map<string, string>();
  for (const ep of spec.endpoints) {
    for (const at of ep.attachments) {
      const key = `${ep.name}/${at.network.name}`;
      if (slots.has(key)) continue; // attached twice: the spec validator reports it
      const slot: Slot = { 4: null, 6: null };
      slots.set(key, slot);
      const st = states.get(at.network.name) as NetState;
      placeStatics(ep.name, at.ips, st, slot, holders, issues, gateways);
    }
  }

  // 3b. Host-access shims: reserved before automatic addresses, so no endpoint gets one.
  for (const st of states.values()) placeShim(st, holders, issues);

  // 4. Automatic addresses, in endpoint order.
  const starved = new Map<string, { network: string; family: Family; endpoints: string[] }>();
  const seen = new Set<string>();
  for (const ep of spec.endpoints) {
    for (const at of ep.attachments) {
      const key = `${ep.name}/${at.network.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const slot = slots.get(key) as Slot;
      const st = states.get(at.network.name) as NetState;
      for (const family of FAMILIES) {
        if (slot[family] !== null) continue;
        const pools = st.pools.filter((p) => p.family === family);
        if (pools.length === 0) continue;
        for (const pool of pools) {
          const a = pool.allocate();
          if (a !== null) {
            slot[family] = flat(`${a}/${pool.prefix}`);
            gateways.set(slot[family] as string, pool.gateway);
            break;
          }
        }
        if (slot[family] === null && !st.broken) {
          const k = `${at.network.name}|${family}`;
          const s = starved.get(k) ?? { network: at.network.name, family, endpoints: [] };
          s.endpoints.push(ep.name);
          starved.set(k, s);
        }
      }
    }
  }
  for (const s of starved.values()) issues.push(exhaustedIssue(s, states.get(s.network) as NetState));

  const subnets = new Map<string, readonly SubnetInfo[]>();
  for (const st of states.values()) subnets.set(st.network.name, st.pools.map((p) => p.info));
  const addresses = new Map<string, readonly string[]>();
  for (const [key, slot] of slots) {
    addresses.set(key, FAMILIES.flatMap((f) => (slot[f] === null ? [] : [slot[f]])));
  }
  return { subnets, addresses, gateways, issues, diagnostics };
}

/** The issue for a network whose pools of one family ran out. */
function exhaustedIssue(s: { network: string; family: Family; endpoints: string[] }, st: NetState): Issue {
  const fam = familyName(s.family);
  const pools = st.pools.filter((p) => p.family === s.family);
  const shown = s.endpoints.slice(0, 5).map((e) => `"${e}"`).join(", ");
  const more = s.endpoints.length > 5 ? ` and ${s.endpoints.length - 5} more` : "";
  const sizes = pools.map((p) => `${p.cidr}${p.ipRange === null ? "" : ` range ${p.ipRange}`}: ${p.size}`).join(", ");
  return {
    path: `networks.${s.network}.subnets`,
    message: `pool exhausted: no free ${fam} address left for endpoint${s.endpoints.length === 1 ? "" : "s"} ${shown}${more} on network "${s.network}" (assignable ${fam} addresses — ${sizes}) — widen the subnet or ip-range, add a subnet, or attach fewer endpoints`,
  };
}

