/**
 * The plan: an ordered list of typed operations (see `ops/types.ts`), each with its inverse and
 * the observable fact it establishes, plus the resolved networks and endpoints. A plan is plain
 * data; it can be printed, diffed, saved and replayed. Nothing here performs I/O.
 * @module
 */
import type { SubnetInfo } from "../ipam/types.ts";
import type { Diagnostic } from "../spec/types.ts";
import type { Op } from "./ops/types.ts";

export type * from "./ops/types.ts";

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
  /** The base link of a VLAN parent (`eth0` of `eth0.50`), else `null`. */
  readonly vlanBase: string | null;
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
