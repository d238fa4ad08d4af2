/**
 * Static addresses of a lab: placing each endpoint's given addresses in its network's pools,
 * reporting addresses outside every subnet, on reserved addresses, or used twice.
 * @module
 */
import { flat } from "../spec/flat.ts";
import type { Issue } from "../errors.ts";
import type { NetworkSpec } from "../spec/types.ts";
import { familyName, parseIp, type Family } from "../lib/address.ts";
import type { SubnetPool } from "./pool.ts";
import { badIpMessage } from "../lib/address.ts";

const FAMILIES: readonly Family[] = [4, 6];

/** Per-network working state of `allocateLab`. */
export interface NetState {
  /** The network. */
  readonly network: NetworkSpec;
  /** Pools of the valid subnets, in the order given. */
  readonly pools: SubnetPool[];
  /** Some subnet had an issue: suppress follow-up issues that it would explain. */
  broken: boolean;
}

/** Per-attachment result: an address in CIDR form per family. */
export type Slot = Record<Family, string | null>;

/**
 * Places the static addresses of one attachment: each selects the first subnet of its family
 * that holds it and is reserved there; every problem becomes an issue at
 * `endpoints.<endpoint>.<network>.ip`. `holders` maps `network|address` to the endpoint holding it.
 *
 * @example
 * ```ts
 * placeStatics("web", ["192.168.1.10"], state, slot, holders, issues); // slot[4] === "192.168.1.10/24"
 * ```
 */
export function placeStatics(
  endpoint: string,
  ips: readonly string[],
  st: NetState,
  slot: Slot,
  holders: Map<string, string>,
  issues: Issue[],
  gateways?: Map<string, string | null>,
): void {
  const n = st.network;
  const path = `endpoints.${endpoint}.${n.name}.ip`;
  const byFamily: Record<Family, string[]> = { 4: [], 6: [] };
  for (const ip of ips) {
    const parsed = parseIp(ip);
    if (parsed === null) issues.push({ path, message: badIpMessage(`endpoint "${endpoint}" on network "${n.name}"`, ip) });
    else byFamily[parsed.family].push(parsed.text);
  }
  for (const family of FAMILIES) {
    const list = byFamily[family];
    const ip = list[0];
    if (ip === undefined) continue;
    const fam = familyName(family);
    if (list.length > 1) {
      issues.push({ path, message: `${list.length} ${fam} addresses given (${list.join(", ")}) — an attachment takes at most one ${fam} and one ${familyName(family === 4 ? 6 : 4)} address` });
      continue;
    }
    if (n.subnets.length === 0) {
      issues.push({ path, message: `static address ${ip} needs a subnet, but network "${n.name}" has none (it would get a default pool) — give the network a subnet that holds ${ip}` });
      continue;
    }
    const pools = st.pools.filter((p) => p.family === family);
    const pool = pools.find((p) => p.contains(ip));
    if (pool === undefined) {
      if (st.broken) continue; // the subnet issue explains it
      const message =
        pools.length === 0
          ? `${ip} is ${fam} but network "${n.name}" has no ${fam} subnet — add one or drop this address`
          : `${ip} is outside every ${fam} subnet of network "${n.name}" (${pools.map((p) => p.cidr).join(", ")}) — pick an address inside one of them`;
      issues.push({ path, message });
      continue;
    }
    const what = pool.classify(ip);
    if (what === "free") {
      pool.reserve(ip);
      holders.set(`${n.name}|${ip}`, endpoint);
      slot[family] = flat(`${ip}/${pool.prefix}`);
      gateways?.set(slot[family] as string, pool.gateway);
    } else if (what === "used") {
      const other = holders.get(`${n.name}|${ip}`) ?? "another endpoint";
      issues.push({ path, message: `${ip} is already given to endpoint "${other}" on network "${n.name}" — each address can be used once; pick another or leave it automatic` });
    } else {
      issues.push({ path, message: pool.describe(ip, what) });
    }
  }
}

/**
 * Reserves the host-access shim's address of a network (`networks.<name>.hostAccess.ip`) after
 * the endpoints' static addresses and before automatic ones, so no endpoint is ever handed it.
 * It must lie in a subnet of the network, be free there (not the network, broadcast, gateway or
 * an endpoint's address) or excluded (Docker's `--aux-address` idiom for the host's address),
 * and a prefix, when given, must be at least the subnet's. An address that does not parse is
 * left to the spec validator.
 *
 * @example
 * ```ts
 * placeShim(state, holders, issues); // reserves 192.168.1.250 of .hostAccess({ ip: "192.168.1.250" })
 * ```
 */
export function placeShim(st: NetState, holders: Map<string, string>, issues: Issue[]): void {
  const n = st.network;
  const text = n.hostAccess?.ip;
  if (text === undefined) return;
  const path = `networks.${n.name}.hostAccess.ip`;
  const slash = text.indexOf("/");
  const parsed = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (parsed === null) return;
  const ip = parsed.text;
  const fam = familyName(parsed.family);
  if (n.subnets.length === 0) {
    issues.push({ path, message: `the shim's address ${ip} needs a subnet, but network "${n.name}" has none (it would get a default pool) — give the network a subnet that holds ${ip}` });
    return;
  }
  const pools = st.pools.filter((p) => p.family === parsed.family);
  const pool = pools.find((p) => p.contains(ip));
  if (pool === undefined) {
    if (st.broken) return;
    issues.push({
      path,
      message: pools.length === 0
        ? `the shim's address ${ip} is ${fam} but network "${n.name}" has no ${fam} subnet — give an address of one of its subnets`
        : `the shim's address ${ip} is outside every ${fam} subnet of network "${n.name}" (${pools.map((p) => p.cidr).join(", ")}) — the host reaches the endpoints through it, so pick an address inside one of them`,
    });
    return;
  }
  const prefix = slash < 0 ? null : Number(text.slice(slash + 1));
  if (prefix !== null && prefix < pool.prefix) {
    issues.push({ path, message: `the shim's address ${text} has a shorter prefix than its subnet ${pool.cidr}, so the host would route addresses outside the network to the shim — use /${pool.prefix} or longer, or a bare ${ip}` });
  }
  const what = pool.classify(ip);
  if (what === "free") {
    pool.reserve(ip);
    holders.set(`${n.name}|${ip}`, "host-access shim");
  } else if (what === "excluded") {
    // Docker's own idiom: the host's address is kept out of the pool as an aux address.
  } else if (what === "used") {
    const other = holders.get(`${n.name}|${ip}`) ?? "another endpoint";
    issues.push({ path, message: `the shim's address ${ip} is already given to endpoint "${other}" on network "${n.name}" — pick another address for the shim` });
  } else {
    issues.push({ path, message: `the shim's address: ${pool.describe(ip, what)}` });
  }
}
