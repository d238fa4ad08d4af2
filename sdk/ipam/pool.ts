/**
 * One subnet's address pool, Docker-style: a gateway (explicit or by policy) that is always
 * reserved, an optional ip-range that automatic addresses come from, excluded (aux) addresses,
 * and lowest-free-first allocation. The pool is never materialised: it keeps an offset cursor and
 * a set of used offsets, so a /16 or an IPv6 /64 costs only what has been handed out.
 * @module
 */
import { invalidSpec, UnderlayError } from "../errors.ts";
import type { SubnetInfo } from "./types.ts";
import { familyName, formatIp, parseIp, type Family, type ParsedCidr } from "../lib/address.ts";
import { badIpMessage } from "../lib/address.ts";
import { checkSubnet } from "./subnet-check.ts";
import type { AddressClass, PoolOptions } from "./types.ts";
import { reservedKind, usableRange } from "./usable.ts";

/**
 * An address pool for one subnet. Usable addresses follow `usable.ts`: IPv4 skips the network
 * and broadcast addresses (a /31 has two usable addresses, RFC 3021; a /32 one); IPv6 skips
 * `::0` (Subnet-Router anycast) and has no broadcast, so it starts at `::1` (a /127 has two
 * usable addresses, a /128 one). The gateway is reserved in every mode.
 *
 * @example
 * ```ts
 * const pool = new SubnetPool({ cidr: "192.168.1.0/24", gatewayPolicy: "first" });
 * pool.gateway;    // "192.168.1.1"
 * pool.allocate(); // "192.168.1.2"
 * pool.reserve("192.168.1.10");
 * pool.classify("192.168.1.10"); // "used"
 * ```
 */
export class SubnetPool {
  readonly #cidr: ParsedCidr;
  readonly #gateway: bigint | null;
  readonly #range: ParsedCidr | null;
  readonly #excluded: ReadonlySet<bigint>;
  readonly #used = new Set<bigint>();
  /** Allocatable offsets are `#lo … #hi` (the ip-range clipped to the usable range). */
  readonly #lo: bigint;
  readonly #hi: bigint;
  /** Number of allocatable offsets in `#lo … #hi` (without gateway and excluded ones). */
  readonly #size: bigint;
  /** Lowest offset that may be free; everything below it inside the range is taken. */
  #cursor: bigint;
  /** Used offsets inside `#lo … #hi` that are not gateway/excluded. */
  #usedInRange = 0n;

  /**
   * Builds a pool; throws an `INVALID_SPEC` {@link UnderlayError} listing every problem of the
   * options (paths `cidr`, `gateway`, `ipRange`, `exclude[i]`).
   */
  constructor(options: PoolOptions) {
    const { issues, subnet } = checkSubnet(options, "");
    if (subnet === null) throw invalidSpec(issues, `subnet ${JSON.stringify(options.cidr)}`);
    this.#cidr = subnet.cidr;
    this.#gateway = subnet.gateway;
    this.#range = subnet.range;
    this.#excluded = new Set(subnet.excluded);
    const usable = usableRange(subnet.cidr);
    const rangeLo = subnet.range === null ? 0n : subnet.range.network - subnet.cidr.network;
    const rangeHi = subnet.range === null ? subnet.cidr.size - 1n : rangeLo + subnet.range.size - 1n;
    this.#lo = rangeLo > usable.first ? rangeLo : usable.first;
    this.#hi = rangeHi < usable.last ? rangeHi : usable.last;
    let blocked = 0n;
    for (const o of new Set([...this.#excluded, ...(this.#gateway === null ? [] : [this.#gateway])])) {
      if (o >= this.#lo && o <= this.#hi) blocked++;
    }
    this.#size = this.#hi >= this.#lo ? this.#hi - this.#lo + 1n - blocked : 0n;
    this.#cursor = this.#lo;
  }

  /** Address family of the subnet. */
  get family(): Family {
    return this.#cidr.family;
  }

  /** The subnet in canonical CIDR form, e.g. `2001:db8::/64`. */
  get cidr(): string {
    return this.#cidr.text;
  }

  /** Prefix length of the subnet (the prefix every address of this pool is configured with). */
  get prefix(): number {
    return this.#cidr.prefix;
  }

  /** The gateway (explicit, else by policy), or `null` when there is none. */
  get gateway(): string | null {
    return this.#gateway === null ? null : this.#format(this.#gateway);
  }

  /** The ip-range in canonical CIDR form, or `null` when automatic addresses come from the whole subnet. */
  get ipRange(): string | null {
    return this.#range === null ? null : this.#range.text;
  }

  /** How many addresses automatic allocation can hand out in total (range minus gateway and excluded). */
  get size(): bigint {
    return this.#size;
  }

  /** How many of {@link size} are still free. */
  get free(): bigint {
    return this.#size - this.#usedInRange;
  }

  /** The subnet as the plan describes it. */
  get info(): SubnetInfo {
    return { cidr: this.cidr, gateway: this.gateway, ipRange: this.ipRange };
  }

  /**
   * Whether an address lies inside the subnet (any family; another family is never inside).
   * Throws an `INVALID_SPEC` error when `addr` is not an address.
   */
  contains(addr: string): boolean {
    return this.#offsetOf(addr) !== null;
  }

  /**
   * What `addr` is to this pool (see {@link AddressClass}). Throws when `addr` is not an address.
   */
  classify(addr: string): AddressClass {
    const o = this.#offsetOf(addr);
    return o === null ? "outside" : this.#classifyOffset(o);
  }

  /**
   * Marks `addr` as used (a static address). Throws an `INVALID_SPEC` {@link UnderlayError}
   * saying why when it is not free (outside, network, broadcast, gateway, excluded, or used).
   * Returns the canonical form of the address.
   */
  reserve(addr: string): string {
    const o = this.#offsetOf(addr);
    const what = o === null ? "outside" : this.#classifyOffset(o);
    if (o === null || what !== "free") {
      throw new UnderlayError("INVALID_SPEC", `cannot reserve ${addr}: ${this.describe(addr, what)}`, {
        details: { address: addr, cidr: this.cidr, class: what },
      });
    }
    this.#take(o);
    return this.#format(o);
  }

  /**
   * Hands out the lowest free address inside the ip-range (else the subnet), or `null` when none
   * is left. Amortised O(1): the cursor only moves back on {@link release}.
   */
  allocate(): string | null {
    const hi = this.#hi;
    const used = this.#used;
    const excluded = this.#excluded;
    const gateway = this.#gateway;
    const checkExcluded = excluded.size > 0;
    let o = this.#cursor;
    while (o <= hi) {
      if (o !== gateway && !used.has(o) && !(checkExcluded && excluded.has(o))) {
        this.#cursor = o + 1n;
        used.add(o); // in range, not gateway, not excluded: counts toward `free`
        this.#usedInRange++;
        return this.#format(o);
      }
      o++;
    }
    this.#cursor = o;
    return null;
  }

  /**
   * Like {@link allocate}, but throws a `POOL_EXHAUSTED` {@link UnderlayError} when no address is left.
   */
  allocateOrThrow(): string {
    const a = this.allocate();
    if (a !== null) return a;
    throw new UnderlayError("POOL_EXHAUSTED", `${this.exhaustedMessage()} — widen the subnet or ip-range, or release addresses`, {
      details: { cidr: this.cidr, ipRange: this.ipRange, size: this.#size.toString() },
    });
  }

  /**
   * Returns a used address to the pool; the next {@link allocate} hands out the lowest free one
   * again (so a released address comes back first). Returns `false` when it was not in use.
   */
  release(addr: string): boolean {
    const o = this.#offsetOf(addr);
    if (o === null || !this.#used.delete(o)) return false;
    if (this.#countsInRange(o)) this.#usedInRange--;
    if (o < this.#cursor && o >= this.#lo) this.#cursor = o;
    return true;
  }

  /** A phrase explaining a classification, e.g. `192.168.1.1 is the gateway of 192.168.1.0/24`. */
  describe(addr: string, what: AddressClass = this.classify(addr)): string {
    const c = this.cidr;
    switch (what) {
      case "outside":
        return `${addr} is outside subnet ${c} — pick an address inside it`;
      case "network":
        return this.family === 6
          ? `${addr} is the Subnet-Router anycast address of ${c} — IPv6 host addresses start at ::1`
          : `${addr} is the network address of ${c} — pick a host address`;
      case "broadcast":
        return `${addr} is the broadcast address of ${c} — pick a host address`;
      case "gateway":
        return `${addr} is the gateway of ${c} — pick another address`;
      case "excluded":
        return `${addr} is an excluded (aux) address of ${c} — pick another address`;
      case "used":
        return `${addr} is already in use in ${c} — pick another address or release it first`;
      case "free":
        return `${addr} is free in ${c}`;
    }
  }

  /** A phrase for an exhausted pool, e.g. `no free IPv4 address left in 10.0.0.0/30 (1 assignable, all in use)`. */
  exhaustedMessage(): string {
    const range = this.#range === null ? "" : ` ip-range ${this.#range.text}`;
    return `no free ${familyName(this.family)} address left in ${this.cidr}${range} (${this.#size} assignable, all in use)`;
  }

  #take(o: bigint): void {
    this.#used.add(o);
    if (this.#countsInRange(o)) this.#usedInRange++;
  }

  #countsInRange(o: bigint): boolean {
    return o >= this.#lo && o <= this.#hi && o !== this.#gateway && !this.#excluded.has(o);
  }

  #classifyOffset(o: bigint): AddressClass {
    const kind = reservedKind(this.#cidr, o);
    if (kind !== null) return kind;
    if (o === this.#gateway) return "gateway";
    if (this.#excluded.has(o)) return "excluded";
    return this.#used.has(o) ? "used" : "free";
  }

  #offsetOf(addr: string): bigint | null {
    const ip = parseIp(addr);
    if (ip === null) throw new UnderlayError("INVALID_SPEC", badIpMessage(`pool ${this.cidr}`, addr));
    if (ip.family !== this.#cidr.family) return null;
    const o = ip.value - this.#cidr.network;
    return o >= 0n && o < this.#cidr.size ? o : null;
  }

  #format(o: bigint): string {
    return formatIp(this.#cidr.family, this.#cidr.network + o);
  }
}
