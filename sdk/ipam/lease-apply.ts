/**
 * The pure core of the lease store: given the current leases and a batch of requests, compute
 * the new leases (all or nothing). Pools are rebuilt from the requests' options and every
 * existing lease inside them is reserved first, so an address is never handed out twice, and a
 * released address is free again at once.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import { parseIp } from "../lib/address.ts";
import { SubnetPool } from "./pool.ts";
import type { PoolOptions } from "./types.ts";

/** One lease: an address held by an owner. */
export interface Lease {
  /** Who holds it, e.g. `demo/web/pub` (lab/endpoint/network). */
  readonly owner: string;
  /** The pool's subnet in canonical CIDR form. */
  readonly pool: string;
  /** The address, bare and canonical. */
  readonly address: string;
  /** When it was leased (ISO 8601). */
  readonly leasedAt: string;
}

/** One request of a batch: an owner, the pools to try in order, and optionally a wanted address. */
export interface LeaseRequest {
  /** Who will hold the address. */
  readonly owner: string;
  /** Candidate pools, tried in order (first with room wins); all of one family. */
  readonly pools: readonly PoolOptions[];
  /** A specific address (must be inside one of the pools and free, or already held by `owner`). */
  readonly want?: string;
}

/** Result of {@link applyLeases}. */
export interface LeaseBatch {
  /** All leases after the batch. */
  readonly leases: readonly Lease[];
  /** The address of each request, in request order. */
  readonly addresses: readonly string[];
}

/**
 * Applies a batch of lease requests to `current`. An owner that already holds an address in one
 * of the request's pools gets that address again (idempotent). Throws an {@link UnderlayError}
 * (`POOL_EXHAUSTED`, `LEASE` for an address leased to someone else, `INVALID_SPEC` for bad pool
 * options or an unusable wanted address); then nothing of the batch applies.
 *
 * @example
 * ```ts
 * const { addresses } = applyLeases([], [{ owner: "lab/web/pub", pools: [{ cidr: "10.0.0.0/24", gatewayPolicy: "first" }] }], new Date());
 * addresses; // ["10.0.0.2"]
 * ```
 */
export function applyLeases(current: readonly Lease[], requests: readonly LeaseRequest[], now: Date): LeaseBatch {
  const leases: Lease[] = [...current];
  const byOwner = new Map<string, Lease[]>();
  for (const l of leases) byOwner.set(l.owner, [...(byOwner.get(l.owner) ?? []), l]);
  const pools = new Map<string, SubnetPool>();

  const reserveIn = (p: SubnetPool, address: string): void => {
    if (p.contains(address) && p.classify(address) === "free") p.reserve(address);
  };
  const poolFor = (o: PoolOptions): SubnetPool => {
    const key = JSON.stringify([o.cidr, o.gateway ?? null, o.gatewayPolicy, o.ipRange ?? null, o.exclude ?? null]);
    let p = pools.get(key);
    if (p === undefined) {
      p = new SubnetPool(o);
      for (const l of leases) if (parseIp(l.address)?.family === p.family) reserveIn(p, l.address);
      pools.set(key, p);
    }
    return p;
  };
  const record = (owner: string, pool: SubnetPool, address: string): string => {
    const lease: Lease = { owner, pool: pool.cidr, address, leasedAt: now.toISOString() };
    leases.push(lease);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), lease]);
    for (const other of pools.values()) if (other !== pool && other.family === pool.family) reserveIn(other, address);
    return address;
  };

  const addresses = requests.map((req) => {
    if (req.pools.length === 0) throw new UnderlayError("USAGE", `lease for "${req.owner}" names no pool — pass at least one subnet`);
    const candidates = req.pools.map(poolFor);
    const held = (byOwner.get(req.owner) ?? []).find((l) => candidates.some((p) => p.family === parseIp(l.address)?.family && p.contains(l.address)));
    const want = req.want === undefined ? undefined : parseIp(req.want);
    if (want === null) {
      throw new UnderlayError("INVALID_SPEC", `cannot lease ${JSON.stringify(req.want)} for "${req.owner}": not an IPv4 or IPv6 address`);
    }
    if (held !== undefined) {
      if (want !== undefined && want.text !== held.address) {
        throw new UnderlayError("LEASE", `"${req.owner}" already holds ${held.address} in ${held.pool}, not ${want.text} — release it first (store.release("${req.owner}")) to change address`);
      }
      return held.address;
    }
    if (want !== undefined) {
      const pool = candidates.find((p) => p.family === want.family && p.contains(want.text));
      if (pool === undefined) {
        throw new UnderlayError("INVALID_SPEC", `cannot lease ${want.text} for "${req.owner}": it is outside ${candidates.map((p) => p.cidr).join(", ")} — pick an address inside the pool`);
      }
      const what = pool.classify(want.text);
      if (what === "used") {
        const holder = leases.find((l) => l.address === want.text);
        throw new UnderlayError("LEASE", `cannot lease ${want.text} for "${req.owner}": it is already leased to "${holder?.owner ?? "?"}" — pick another address or release that lease first`, {
          details: { address: want.text, holder: holder?.owner },
        });
      }
      if (what !== "free") throw new UnderlayError("INVALID_SPEC", `cannot lease ${want.text} for "${req.owner}": ${pool.describe(want.text, what)}`);
      pool.reserve(want.text);
      return record(req.owner, pool, want.text);
    }
    for (const pool of candidates) {
      const a = pool.allocate();
      if (a !== null) return record(req.owner, pool, a);
    }
    throw new UnderlayError(
      "POOL_EXHAUSTED",
      `cannot lease an address for "${req.owner}": ${candidates.map((p) => p.exhaustedMessage()).join("; ")} — release leases (store.release(owner)) or widen the pool`,
      { details: { owner: req.owner, pools: candidates.map((p) => p.cidr) } },
    );
  });
  return { leases, addresses };
}
