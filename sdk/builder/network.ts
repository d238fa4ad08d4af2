/**
 * Immutable network builders: `net.macvlan(name)` and `net.ipvlan(name)`. Every method returns a
 * new builder, so a base network can be reused and refined. Builders only collect intent, and
 * never throw whatever they are given: the checks (types included) happen when a lab is planned,
 * all problems at once.
 * @module
 */
import type {
  Driver,
  GatewayPolicy,
  HostAccessSpec,
  IpvlanFlag,
  IpvlanMode,
  MacvlanMode,
  NetworkSpec,
  SubnetSpec,
} from "../spec/types.ts";
import { leftover, splitOptions } from "./options.ts";

/** Options of {@link NetworkBuilder.subnet}. */
export interface SubnetOptions {
  /** Explicit gateway (otherwise by gateway policy: the first usable address). */
  readonly gateway?: string;
  /** Sub-pool for automatic addresses (Docker's `--ip-range`). */
  readonly ipRange?: string;
  /** Addresses never handed out (Docker's `--aux-address`), a list or named entries. */
  readonly exclude?: readonly string[] | Readonly<Record<string, string>>;
}

/** The mode type of a driver. */
export type ModeOf<D extends Driver> = D extends "macvlan" ? MacvlanMode : IpvlanMode;

/**
 * A network under construction. Obtain one with {@link net}.
 *
 * @example
 * ```ts
 * const pub = net.macvlan("pub_net").parent("eth0.50").subnet("192.168.50.0/24", { gateway: "192.168.50.1" });
 * const web = pub.mtu(1400); // pub is unchanged
 * ```
 */
export class NetworkBuilder<D extends Driver = Driver> {
  readonly #spec: NetworkSpec;

  /** @internal Use {@link net} instead. */
  constructor(spec: NetworkSpec) {
    this.#spec = Object.freeze(spec);
  }

  #with(patch: Partial<NetworkSpec>): NetworkBuilder<D> {
    return new NetworkBuilder<D>({ ...this.#spec, ...patch } as NetworkSpec);
  }

  /** The network's name. */
  get name(): string {
    return this.#spec.name;
  }

  /**
   * Parent link in the host namespace. `iface.vid` (e.g. `eth0.50`) names an 802.1Q VLAN
   * sub-interface, created if missing and deleted on `down` only if underlay created it.
   */
  parent(name: string): NetworkBuilder<D> {
    return this.#with({ parent: name });
  }

  /** Macvlan: `bridge` (default) | `vepa` | `private` | `passthru` | `source`. Ipvlan: `l2` (default) | `l3` | `l3s`. */
  mode(mode: ModeOf<D>): NetworkBuilder<D> {
    return this.#spec.driver === "macvlan"
      ? this.#with({ macvlanMode: mode as MacvlanMode })
      : this.#with({ ipvlanMode: mode as IpvlanMode });
  }

  /** Ipvlan flag: `bridge` (default) | `private` | `vepa`. Rejected on macvlan networks. */
  flag(flag: IpvlanFlag): NetworkBuilder<D> {
    return this.#with({ ipvlanFlag: flag });
  }

  /** Adds a subnet (IPv4 or IPv6); call again for more subnets. */
  subnet(cidr: string, options: SubnetOptions = {}): NetworkBuilder<D> {
    const { known, rest } = splitOptions(options, ["gateway", "ipRange", "exclude"]);
    const s = { cidr, ...known, ...leftover(rest) } as SubnetSpec;
    return this.#with({ subnets: [...(Array.isArray(this.#spec.subnets) ? this.#spec.subnets : []), s] });
  }

  /** MTU of the endpoint links (68–65535, at most the parent's). */
  mtu(mtu: number): NetworkBuilder<D> {
    return this.#with({ mtu });
  }

  /** Isolated network: an owned dummy parent, no default route. Same as leaving out `.parent()`. */
  internal(): NetworkBuilder<D> {
    return this.#with({ internal: true });
  }

  /** How a subnet without an explicit gateway gets one: `first` (default) | `last` | `none`. */
  gatewayPolicy(policy: GatewayPolicy): NetworkBuilder<D> {
    return this.#with({ gatewayPolicy: policy });
  }

  /**
   * Host access: a shim link of the same kind in the host namespace with routes to this
   * network's endpoints, so the host can reach its own macvlan/ipvlan children.
   *
   * @example
   * ```ts
   * net.macvlan("pub").parent("eth0").subnet("192.168.1.0/24").hostAccess({ ip: "192.168.1.250" });
   * ```
   */
  hostAccess(access: HostAccessSpec): NetworkBuilder<D> {
    return this.#with({ hostAccess: access });
  }

  /**
   * Whether a network whose subnets are all IPv6 also gets a default IPv4 pool (Docker's
   * behaviour, the default). `.ipv4(false)` makes an IPv6-only network.
   */
  ipv4(enabled: boolean): NetworkBuilder<D> {
    return this.#with({ ipv4: enabled });
  }

  /** The collected, not yet validated, definition. */
  spec(): NetworkSpec {
    return this.#spec;
  }
}

function create<D extends Driver>(driver: D, name: string): NetworkBuilder<D> {
  return new NetworkBuilder<D>({ name, driver, internal: false, subnets: [], gatewayPolicy: "first" });
}

/**
 * Entry point for networks.
 *
 * @example
 * ```ts
 * const l3 = net.ipvlan("ipnet210").mode("l3").subnet("192.168.214.0/24").subnet("10.1.214.0/24");
 * ```
 */
export const net: {
  /** A macvlan network (every endpoint gets its own MAC). */
  readonly macvlan: (name: string) => NetworkBuilder<"macvlan">;
  /** An ipvlan network (endpoints share the parent's MAC). */
  readonly ipvlan: (name: string) => NetworkBuilder<"ipvlan">;
} = Object.freeze({
  macvlan: (name: string) => create("macvlan", name),
  ipvlan: (name: string) => create("ipvlan", name),
});
