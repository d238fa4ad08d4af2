/**
 * The typed operations of a plan: a union on `kind`, each kind with its own fields. An op says
 * what to do (its fields), in which namespace it runs (`netns`), what it establishes (`fact`) and
 * how it is undone (`undo`, itself typed). Renderings — iproute2 argv (`../iproute2.ts`), netlink
 * messages (the netlink executor), a shell script — are functions of these fields; nobody reads a
 * value back out of a rendered command.
 * @module
 */
import type { Fact } from "../types.ts";

/** A namespace name, or `null` for the caller's (the executor's own) namespace. */
export type Netns = string | null;

/** Fields every op has. */
export interface OpBase {
  /** Stable id, unique in the plan, e.g. `link:demo-web:eth0`. */
  readonly id: string;
  /**
   * Ops of one phase whose `netns` differ may run concurrently; phases run in order, and ops of
   * one phase in one namespace keep their relative order (and may be batched together).
   */
  readonly phase: number;
  /** The namespace the step runs in (`null` = the caller's). */
  readonly netns: Netns;
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
  /** What the step establishes (what `verify` checks and re-apply compares). */
  readonly fact: Fact;
  /**
   * Id of an `ensure` op: this step runs only if that op actually created its object (e.g. the
   * ownership mark on a VLAN sub-interface underlay created), never on a link found in place.
   */
  readonly dependsOn?: string;
  /** One-line human summary, e.g. `create macvlan eth0 in demo-web on eth0.50 (bridge)`. */
  readonly summary: string;
  /** The inverse step, or `null` when none is needed (deleting the namespace removes it). */
  readonly undo: Undo | null;
}

/** An endpoint-style link: macvlan or ipvlan on a parent. */
export interface SlaveLink {
  /** Parent link (in the namespace the op runs in). */
  readonly parent: string;
  /** `macvlan` or `ipvlan`. */
  readonly driver: "macvlan" | "ipvlan";
  /** Mode (`bridge`, `l2`, …). */
  readonly mode: string;
  /** Ipvlan flag, or `null`. */
  readonly flag: string | null;
  /** MAC (macvlan only), or `null`. */
  readonly mac: string | null;
  /** MTU, or `null` for the parent's. */
  readonly mtu: number | null;
}

/** Creates a named network namespace (runs in the caller's namespace). */
export interface NetnsAdd extends OpBase {
  readonly kind: "netns-add";
  /** Namespace name (`/run/netns/<name>`). */
  readonly name: string;
}

/** Sets sysctls inside a namespace. */
export interface SysctlSet extends OpBase {
  readonly kind: "sysctl";
  /** Keys (dotted) and values, in order. */
  readonly settings: readonly { readonly key: string; readonly value: string }[];
}

/** Creates a parent link the lab owns: a sandbox stand-in or a dummy parent (a bridge where the kernel has no dummy). */
export interface ParentAdd extends OpBase {
  readonly kind: "parent-add";
  /** Link name. */
  readonly dev: string;
  /** Link kind. */
  readonly linkKind: "dummy" | "bridge";
}

/** Creates an 802.1Q sub-interface if it is missing (`ensure`). */
export interface VlanEnsure extends OpBase {
  readonly kind: "vlan-ensure";
  /** Sub-interface name (`eth0.50`). */
  readonly dev: string;
  /** Base link (`eth0`). */
  readonly base: string;
  /** VLAN id. */
  readonly vid: number;
}

/** Creates an endpoint link in place: from the host namespace straight into `target`. */
export interface LinkAdd extends OpBase {
  readonly kind: "link-add";
  /** The name the link is created under (its final name, or a temporary `ult…` one renamed by the next step). */
  readonly dev: string;
  /** The endpoint namespace the link is created in. */
  readonly target: string;
  /** Its final name inside `target` (`eth0`, …). */
  readonly name: string;
  /** Parent, driver, mode, flag, MAC, MTU. */
  readonly link: SlaveLink;
}

/** Sets the ownership mark (ifalias) on a link, renaming it first when `from` is given. */
export interface LinkMark extends OpBase {
  readonly kind: "link-mark";
  /** The link's (final) name. */
  readonly dev: string;
  /** The alias to set (`underlay:<lab>`). */
  readonly alias: string;
  /** The temporary name to rename from, or `null`. */
  readonly from: string | null;
}

/** Brings a link up. */
export interface LinkUp extends OpBase {
  readonly kind: "link-up";
  /** Link name. */
  readonly dev: string;
}

/** Adds an address (IPv6 addresses without duplicate address detection). */
export interface AddrAdd extends OpBase {
  readonly kind: "addr-add";
  /** Link name. */
  readonly dev: string;
  /** Address with prefix length, canonical. */
  readonly cidr: string;
}

/** A route's fields. */
export interface RouteFields {
  /** Address family. */
  readonly family: 4 | 6;
  /** `default` or a canonical CIDR. */
  readonly dst: string;
  /** Output device. */
  readonly dev: string;
  /** Next hop, or `null`. */
  readonly via: string | null;
}

/** Adds (or replaces) a route in the main table. */
export interface RouteAdd extends OpBase, RouteFields {
  readonly kind: "route-add";
}

/** Writes `/etc/netns/<ns>/hosts` for endpoint namespaces. */
export interface HostsFile extends OpBase {
  readonly kind: "hosts-file";
  /** The namespaces (one directory `/etc/netns/<ns>` each). */
  readonly namespaces: readonly string[];
  /** File content (without the final newline). */
  readonly content: string;
}

/** Creates a host-access shim (a macvlan/ipvlan link in the host namespace, not moved anywhere). */
export interface ShimAdd extends OpBase {
  readonly kind: "shim-add";
  /** Shim link name. */
  readonly dev: string;
  /** Parent, driver, mode, flag, MAC, MTU. */
  readonly link: SlaveLink;
}

/** One step of a plan: a union on `kind`. */
export type Op = NetnsAdd | SysctlSet | ParentAdd | VlanEnsure | LinkAdd | LinkMark | LinkUp | AddrAdd | RouteAdd | HostsFile | ShimAdd;

/** Kinds of operations the planner emits. */
export type OpKind = Op["kind"];

/** Deletes a named namespace (and with it everything inside). */
export interface NetnsDel {
  readonly kind: "netns-del";
  /** Always the caller's namespace. */
  readonly netns: null;
  /** Namespace name. */
  readonly name: string;
}

/** Deletes a link. */
export interface LinkDel {
  readonly kind: "link-del";
  readonly netns: Netns;
  /** Link name. */
  readonly dev: string;
}

/** Sets a link down. */
export interface LinkDown {
  readonly kind: "link-down";
  readonly netns: Netns;
  /** Link name. */
  readonly dev: string;
}

/** Deletes an address. */
export interface AddrDel {
  readonly kind: "addr-del";
  readonly netns: Netns;
  /** Link name. */
  readonly dev: string;
  /** Address with prefix length. */
  readonly cidr: string;
}

/** Deletes a route. */
export interface RouteDel extends RouteFields {
  readonly kind: "route-del";
  readonly netns: Netns;
}

/** Removes the hosts files written for these namespaces (and their directories when left empty). */
export interface HostsRemove {
  readonly kind: "hosts-remove";
  /** Always the caller's namespace. */
  readonly netns: null;
  /** The namespaces whose `/etc/netns/<ns>/hosts` go. */
  readonly namespaces: readonly string[];
}

/** The inverse of an op: a union on `kind`. */
export type Undo = NetnsDel | LinkDel | LinkDown | AddrDel | RouteDel | HostsRemove;

/** Anything an executor carries out: a plan op or an undo. */
export type Step = Op | Undo;
