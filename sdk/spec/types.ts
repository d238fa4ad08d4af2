/**
 * The validated, plain-data description of a lab: what the builders collect and what the
 * planner consumes. Everything here is JSON-serialisable and immutable by convention.
 * @module
 */

/** Macvlan modes (`ip link … type macvlan mode X`). */
export type MacvlanMode = "bridge" | "vepa" | "private" | "passthru" | "source";
/** Ipvlan modes (`ip link … type ipvlan mode X`). */
export type IpvlanMode = "l2" | "l3" | "l3s";
/** Ipvlan flags (`ip link … type ipvlan mode X <flag>`). */
export type IpvlanFlag = "bridge" | "private" | "vepa";
/** Network drivers underlay knows. */
export type Driver = "macvlan" | "ipvlan";
/** How the default gateway of a subnet is chosen when none is given. */
export type GatewayPolicy = "first" | "last" | "none";

/** One subnet of a network, as the user gave it. */
export interface SubnetSpec {
  /** Network address in CIDR form, e.g. `192.168.50.0/24` or `2001:db8::/64`. */
  readonly cidr: string;
  /** Explicit gateway (reserved from the pool). */
  readonly gateway?: string;
  /** Sub-pool that automatic addresses come from (Docker's `--ip-range`). */
  readonly ipRange?: string;
  /** Addresses never handed out (Docker's `--aux-address`): a list, or named entries. */
  readonly exclude?: readonly string[] | Readonly<Record<string, string>>;
}

/** Host-access shim: lets the host namespace reach the network's endpoints. */
export interface HostAccessSpec {
  /**
   * Address of the shim in the host namespace: a bare address (it gets /32 or /128) or
   * `address/prefix` with a prefix at least as long as its subnet's. It must lie in one of the
   * network's subnets and be free there (not the gateway, network, broadcast or an endpoint's
   * address) or excluded (Docker's `--aux-address` idiom); IPAM then never hands it to an endpoint.
   */
  readonly ip: string;
  /** Name of the shim link (default `ulh` + 8 hex digits). */
  readonly name?: string;
  /** Static MAC of the shim (macvlan only; default: derived from the lab and network names). */
  readonly mac?: string;
}

/** A network (Docker: `docker network create -d macvlan|ipvlan`). */
export interface NetworkSpec {
  /** Network name (unique in a lab). */
  readonly name: string;
  /** Link driver. */
  readonly driver: Driver;
  /** Parent link; `iface.vid` means a VLAN sub-interface; absent means an owned dummy parent. */
  readonly parent?: string;
  /** Isolated network: dummy parent, no default route. */
  readonly internal: boolean;
  /** Macvlan mode (macvlan only). Default `bridge`. */
  readonly macvlanMode?: MacvlanMode;
  /** Ipvlan mode (ipvlan only). Default `l2`. */
  readonly ipvlanMode?: IpvlanMode;
  /** Ipvlan flag (ipvlan only). */
  readonly ipvlanFlag?: IpvlanFlag;
  /** Subnets, in the order given. Empty means "pick a default pool". */
  readonly subnets: readonly SubnetSpec[];
  /** MTU of the endpoint links. */
  readonly mtu?: number;
  /** Gateway policy for subnets without an explicit gateway. Default `first`. */
  readonly gatewayPolicy: GatewayPolicy;
  /** Host-access shim. */
  readonly hostAccess?: HostAccessSpec;
  /** `false`: no default IPv4 pool for a network whose subnets are all IPv6 (Docker adds one). */
  readonly ipv4?: boolean;
}

/** An endpoint's attachment to one network. */
export interface AttachmentSpec {
  /** The network. */
  readonly network: NetworkSpec;
  /** Static addresses (IPv4 and/or IPv6, bare, no prefix); each selects its subnet. */
  readonly ips: readonly string[];
  /** Static MAC (macvlan only). */
  readonly mac?: string;
}

/** An endpoint: one network namespace with one interface per attachment (`eth0`, `eth1`, …). */
export interface EndpointSpec {
  /** Endpoint name (unique in a lab). */
  readonly name: string;
  /** Namespace name override (default `<lab>-<endpoint>`). */
  readonly netns?: string;
  /** Attachments in order. */
  readonly attachments: readonly AttachmentSpec[];
}

/** Options of a lab. */
export interface LabOptions {
  /** Namespace that plays "the host" (holds parents, VLAN and dummy links, shims). Created if missing. */
  readonly host?: string;
  /**
   * Sandbox mode: the host namespace is created by the lab and every physical parent the lab
   * names (e.g. `eth0` of `eth0.50`) is created inside it as a stand-in link. Requires `host`.
   */
  readonly sandbox?: boolean;
}

/** A whole lab: networks and endpoints. */
export interface LabSpec {
  /** Lab name (used in namespace names and ownership marks). */
  readonly name: string;
  /** Host namespace (`null` = the caller's namespace). */
  readonly host: string | null;
  /** Sandbox mode, see {@link LabOptions.sandbox}. */
  readonly sandbox: boolean;
  /** Endpoints in the order they were added. */
  readonly endpoints: readonly EndpointSpec[];
  /** Networks the lab provides even where no endpoint attaches (their parents and shims exist while it is up). */
  readonly networks?: readonly NetworkSpec[];
  /** Where the lab's addresses were leased (see `leaseLab`): its leases are released when it is torn down. */
  readonly leases?: LeaseBinding;
}

/** The lease store a lab's addresses came from. */
export interface LeaseBinding {
  /** Path of the lease store file. */
  readonly store: string;
}

/** A note the planner or IPAM attaches (e.g. "gateway ignored in L3 mode", "dummy → bridge fallback"). */
export interface Diagnostic {
  /** `info` or `warning`. */
  readonly level: "info" | "warning";
  /** Field path or object it concerns. */
  readonly path: string;
  /** The message. */
  readonly message: string;
}
