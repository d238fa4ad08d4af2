/**
 * Leasing a whole lab from a shared {@link LeaseStore}: every attachment's addresses (static ones
 * registered, automatic ones leased) become static `ips`, so labs provisioned by several
 * processes on one shared network never collide.
 * @module
 */
import { invalidSpec } from "../errors.ts";
import type { AttachmentSpec, LabSpec, NetworkSpec } from "../spec/types.ts";
import { checkLab, labWhat } from "../spec/validate.ts";
import { parseCidr, parseIp, type Family } from "../lib/address.ts";
import { allocateLab } from "./allocate.ts";
import { distinctNetworks } from "./lab-networks.ts";
import type { LeaseRequest } from "./lease-apply.ts";
import type { LeaseStore } from "./lease-store.ts";
import { SubnetPool } from "./pool.ts";
import type { PoolOptions } from "./types.ts";

/**
 * The lease owner of one attachment: `${lab}/${endpoint}/${network}`.
 *
 * @example
 * ```ts
 * leaseOwner("demo", "web", "pub"); // "demo/web/pub"
 * ```
 */
export function leaseOwner(lab: string, endpoint: string, network: string): string {
  return `${lab}/${endpoint}/${network}`;
}

/**
 * Leases the addresses of a lab atomically (one batch, under one lock) and returns the lab with
 * every attachment's addresses written as static `ips` (IPv4 first) and the store named in
 * `leases`, so that the runner releases them when the lab is torn down or fails to come up.
 * Static addresses the lab already gives are leased too (`want`), and so are host-access shims'
 * addresses, so no other process can take them; networks that had no subnet get the default
 * subnet written in. The lab is checked first (types included), as planning checks it.
 * Idempotent per owner. Throws `INVALID_SPEC` when the
 * lab is invalid, `POOL_EXHAUSTED` or `LEASE` when the shared pool cannot serve it (then nothing
 * is leased).
 *
 * @example
 * ```ts
 * const store = openLeaseStore("/tmp/underlay-leases.json");
 * const leased = await leaseLab(spec, store); // spec with ips filled in
 * try { await up(leased); } finally { await releaseLab(spec.name, store); }
 * ```
 */
export async function leaseLab(spec: LabSpec, store: LeaseStore): Promise<LabSpec> {
  const checked = checkLab(spec);
  if (checked.spec === null) throw invalidSpec(checked.issues, labWhat(spec));
  const addressing = allocateLab(checked.spec);
  const problems = [...checked.issues, ...addressing.issues];
  if (problems.length > 0) throw invalidSpec(problems, labWhat(spec));

  const poolsOf = new Map<string, PoolOptions[]>();
  const resolved = new Map<string, NetworkSpec>();
  for (const n of distinctNetworks(spec)) {
    if (n.subnets.length > 0) {
      poolsOf.set(n.name, n.subnets.map((s) => ({ ...s, gatewayPolicy: n.gatewayPolicy })));
    } else {
      const infos = addressing.subnets.get(n.name) ?? [];
      poolsOf.set(n.name, infos.map((i) => ({ cidr: i.cidr, gatewayPolicy: n.gatewayPolicy })));
      resolved.set(n.name, { ...n, subnets: infos.map((i) => ({ cidr: i.cidr })) });
    }
  }
  const familyPools = (network: string, family: Family): PoolOptions[] =>
    (poolsOf.get(network) ?? []).filter((o) => parseCidr(o.cidr)?.family === family);

  // Static addresses first, then automatic ones, each in endpoint order (as allocateLab does).
  const statics: { key: string; family: Family; request: LeaseRequest }[] = [];
  const autos: { key: string; family: Family; request: LeaseRequest }[] = [];
  const keys = new Set<string>();
  for (const ep of spec.endpoints) {
    for (const at of ep.attachments) {
      const key = `${ep.name}/${at.network.name}`;
      if (keys.has(key)) continue;
      keys.add(key);
      const owner = leaseOwner(spec.name, ep.name, at.network.name);
      const given = new Set<Family>();
      for (const ip of at.ips) {
        const parsed = parseIp(ip);
        if (parsed === null) continue;
        given.add(parsed.family);
        statics.push({ key, family: parsed.family, request: { owner, pools: familyPools(at.network.name, parsed.family), want: parsed.text } });
      }
      for (const family of [4, 6] as const) {
        const pools = familyPools(at.network.name, family);
        if (!given.has(family) && pools.length > 0) autos.push({ key, family, request: { owner, pools } });
      }
    }
  }
  // Host-access shims hold their address too (owner `<lab>/:shim/<network>`: no endpoint is named
  // `:shim`), so no other lab sharing the store is handed it — unless it is excluded from the pool.
  for (const n of distinctNetworks(spec)) {
    const ip = n.hostAccess === undefined ? null : parseIp(n.hostAccess.ip.split("/")[0] ?? "");
    if (ip === null) continue;
    const pools = familyPools(n.name, ip.family);
    const home = pools.map((o) => new SubnetPool(o)).find((p) => p.contains(ip.text));
    if (home === undefined || home.classify(ip.text) === "excluded") continue;
    statics.push({ key: `:shim/${n.name}`, family: ip.family, request: { owner: leaseOwner(spec.name, ":shim", n.name), pools, want: ip.text } });
  }
  const all = [...statics, ...autos];
  const addresses = await store.leaseAll(all.map((a) => a.request));

  const ips = new Map<string, Record<Family, string | null>>();
  all.forEach((a, i) => {
    const slot = ips.get(a.key) ?? { 4: null, 6: null };
    slot[a.family] = addresses[i] ?? null;
    ips.set(a.key, slot);
  });
  const attach = (endpoint: string, at: AttachmentSpec): AttachmentSpec => {
    const slot = ips.get(`${endpoint}/${at.network.name}`);
    const list = slot === undefined ? [] : [slot[4], slot[6]].filter((x): x is string => x !== null);
    return { ...at, network: resolved.get(at.network.name) ?? at.network, ips: list };
  };
  return { ...spec, leases: { store: store.path }, endpoints: spec.endpoints.map((ep) => ({ ...ep, attachments: ep.attachments.map((at) => attach(ep.name, at)) })) };
}

/**
 * Releases every lease of a lab (owners under `${lab}/`). Returns how many were released.
 *
 * @example
 * ```ts
 * await releaseLab("demo", store); // 4
 * ```
 */
export function releaseLab(labName: string, store: LeaseStore): Promise<number> {
  return store.release(`${labName}/`);
}
