/**
 * Public IPAM types shared by the pool, the lab allocator and the lease store.
 * @module
 */
import type { GatewayPolicy } from "../spec/types.ts";

/**
 * What a {@link SubnetPool} is built from: a subnet plus Docker's `--gateway`, `--ip-range` and
 * `--aux-address`, and the policy that picks a gateway when none is given.
 *
 * @example
 * ```ts
 * const options: PoolOptions = { cidr: "192.168.32.0/24", ipRange: "192.168.32.128/25", gateway: "192.168.32.254", gatewayPolicy: "first" };
 * ```
 */
export interface PoolOptions {
  /** Subnet in CIDR form (network address, no host bits), e.g. `192.168.1.0/24` or `2001:db8::/64`. */
  readonly cidr: string;
  /** Explicit gateway (reserved; may lie outside `ipRange`). Wins over `gatewayPolicy`. */
  readonly gateway?: string;
  /** Gateway when none is given: first usable, last usable, or none. */
  readonly gatewayPolicy: GatewayPolicy;
  /** Sub-range that automatic addresses come from (Docker's `--ip-range`); static ones may lie anywhere in the subnet. */
  readonly ipRange?: string;
  /** Addresses never handed out (Docker's `--aux-address`): a list, or named entries. */
  readonly exclude?: readonly string[] | Readonly<Record<string, string>>;
}

/**
 * What an address is to a pool:
 * - `outside` — not in the subnet (or another family);
 * - `network` — the IPv4 network address, or the IPv6 Subnet-Router anycast address (`::0`);
 * - `broadcast` — the IPv4 broadcast address;
 * - `gateway` — the pool's gateway;
 * - `excluded` — listed in `exclude`;
 * - `used` — reserved or allocated;
 * - `free` — may be reserved.
 *
 * @example
 * ```ts
 * const c: AddressClass = pool.classify("192.168.1.255"); // "broadcast"
 * ```
 */
export type AddressClass = "outside" | "network" | "broadcast" | "gateway" | "excluded" | "used" | "free";

/** A resolved subnet of a network (after IPAM). */
export interface SubnetInfo {
  /** Network CIDR. */
  readonly cidr: string;
  /** Gateway address (`null` for none). */
  readonly gateway: string | null;
  /** Automatic-allocation range, if narrower than the subnet. */
  readonly ipRange: string | null;
}
