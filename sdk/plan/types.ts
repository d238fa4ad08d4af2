/**
 * The plan: an ordered list of operations, each with its rendered command, its inverse and the
 * observable fact it establishes. A plan is plain data; it can be printed, diffed, saved and
 * replayed. Nothing here performs I/O.
 * @module
 */

/** A command: argv (argv[0] is the program, e.g. `ip`), the namespace to run it in, optional stdin. */
export interface Command {
  /** Namespace to enter before running (`null` = the caller's namespace). */
  readonly netns: string | null;
  /** Program and arguments; never a shell string. */
  readonly argv: readonly string[];
  /** Data written to the program's standard input. */
  readonly input?: string;
}

/** Kinds of operations the planner emits. */
export type OpKind =
  | "netns-add" // create a network namespace
  | "sysctl" // set sysctls inside a namespace (IPv6 RA/autoconf off)
  | "parent-add" // create a stand-in parent link (sandbox) or a dummy parent
  | "vlan-ensure" // create a VLAN sub-interface if missing
  | "link-add" // create an endpoint link in place inside its namespace
  | "link-set" // set attributes (alias mark, up) on a link
  | "addr-add" // add an address
  | "route-add" // add a route
  | "hosts-file" // write /etc/netns/<ns>/hosts
  | "shim-add"; // host-access shim link

/**
 * The observable kernel (or filesystem) fact an op establishes. The runner reads the live state,
 * skips ops whose fact already holds (idempotent re-apply), and verify checks every fact.
 */
export type Fact =
  | { readonly type: "netns"; readonly name: string }
  | {
      readonly type: "link";
      readonly netns: string | null;
      readonly name: string;
      /** Expected link kind (`macvlan`, `ipvlan`, `vlan`, `dummy`, `bridge`, …). */
      readonly kind: string;
      /** Expected attributes as `ip -details -json` reports them (only those named are checked). */
      readonly attrs: Readonly<Record<string, string | number | boolean>>;
    }
  | { readonly type: "link-up"; readonly netns: string | null; readonly name: string }
  | { readonly type: "alias"; readonly netns: string | null; readonly name: string; readonly alias: string }
  | { readonly type: "addr"; readonly netns: string | null; readonly dev: string; readonly cidr: string }
  | {
      readonly type: "route";
      readonly netns: string | null;
      readonly family: 4 | 6;
      readonly dst: string;
      readonly dev: string;
      readonly via?: string;
    }
  | { readonly type: "sysctl"; readonly netns: string; readonly key: string; readonly value: string }
  | { readonly type: "files"; readonly paths: readonly string[]; readonly content: string };

/** One step of a plan. */
export interface Op extends Command {
  /** Stable id, unique in the plan, e.g. `link-add:demo-web:eth0`. */
  readonly id: string;
  /** What kind of step this is. */
  readonly kind: OpKind;
  /**
   * Ops of one phase whose `netns` differ may run concurrently; phases run in order, and ops of
   * one phase in one namespace keep their relative order (and may be batched together).
   */
  readonly phase: number;
  /** The inverse step, or `null` when none is needed (e.g. deleting the namespace removes it). */
  readonly undo: Command | null;
  /**
   * `true` when the object may already exist and is then left alone: the step is skipped and
   * its undo never runs, because underlay did not create it (VLAN parents, host namespace).
   */
  readonly ensure: boolean;
  /**
   * The namespace whose deletion removes this op's effect, if the lab owns it. Rollback and
   * teardown skip undos that a namespace deletion already covers.
   */
  readonly scope: string | null;
  /** What the step establishes. */
  readonly fact: Fact;
  /**
   * Id of an `ensure` op: this step runs only if that op actually created its object (e.g. the
   * ownership mark on a VLAN sub-interface underlay created), and is never run on a link found in place.
   */
  readonly dependsOn?: string;
  /** One-line human summary, e.g. `create macvlan eth0 in demo-web on eth0.50 (bridge)`. */
  readonly summary: string;
}

/** A route as seen by an endpoint. */
export interface RouteInfo {
  /** Destination (`default` or a CIDR). */
  readonly dst: string;
  /** Next hop, if any. */
  readonly via?: string;
  /** Output device. */
  readonly dev: string;
}

/** An endpoint interface in the plan. */
export interface InterfaceInfo {
  /** Interface name inside the endpoint (`eth0`, `eth1`, …). */
  readonly name: string;
  /** Network name. */
  readonly network: string;
  /** MAC address (`null` for ipvlan, which shares the parent's MAC). */
  readonly mac: string | null;
  /** Addresses in CIDR form, IPv4 first. */
  readonly addresses: readonly string[];
  /** Routes the plan installs on this interface. */
  readonly routes: readonly RouteInfo[];
}

/** An endpoint in the plan. */
export interface EndpointInfo {
  /** Endpoint name. */
  readonly name: string;
  /** Its namespace. */
  readonly netns: string;
  /** Its interfaces in attachment order. */
  readonly interfaces: readonly InterfaceInfo[];
}

/** A resolved subnet of a network (after IPAM). */
export interface SubnetInfo {
  /** Network CIDR. */
  readonly cidr: string;
  /** Gateway address (`null` for none). */
  readonly gateway: string | null;
  /** Automatic-allocation range, if narrower than the subnet. */
  readonly ipRange: string | null;
}

/** A network in the plan, after resolution. */
export interface NetworkInfo {
  /** Network name. */
  readonly name: string;
  /** `macvlan` or `ipvlan`. */
  readonly driver: "macvlan" | "ipvlan";
  /** Mode (`bridge`, `l2`, `l3`, …). */
  readonly mode: string;
  /** Ipvlan flag, if any. */
  readonly flag: string | null;
  /** Parent link name in the host namespace. */
  readonly parent: string;
  /** How the parent comes to exist. */
  readonly parentSource: "existing" | "vlan" | "dummy" | "sandbox";
  /** VLAN id when the parent is a VLAN sub-interface. */
  readonly vlan: number | null;
  /** Internal network (`.internal()`): isolated dummy parent and no default route. A network without a parent also gets a dummy parent but keeps its default route, as in Docker. */
  readonly internal: boolean;
  /** Resolved subnets. */
  readonly subnets: readonly SubnetInfo[];
  /** MTU, if set. */
  readonly mtu: number | null;
}

/** A note the planner attaches (e.g. "gateway ignored in L3 mode", "dummy → bridge fallback"). */
export interface Diagnostic {
  /** `info` or `warning`. */
  readonly level: "info" | "warning";
  /** Field path or object it concerns. */
  readonly path: string;
  /** The message. */
  readonly message: string;
}

/** The JSON form of a plan (`plan.toJSON()`). */
export interface PlanData {
  /** Lab name. */
  readonly lab: string;
  /** Host namespace, or `null` for the caller's namespace. */
  readonly host: string | null;
  /** Sandbox mode. */
  readonly sandbox: boolean;
  /** Ownership mark set as ifalias on every link the lab creates. */
  readonly mark: string;
  /** Ordered ops. */
  readonly ops: readonly Op[];
  /** Networks after resolution. */
  readonly networks: readonly NetworkInfo[];
  /** Endpoints with interfaces, addresses and routes. */
  readonly endpoints: readonly EndpointInfo[];
  /** Planner notes. */
  readonly diagnostics: readonly Diagnostic[];
}
