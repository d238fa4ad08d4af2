/**
 * Parent steps in the host namespace: a parent the lab owns (sandbox stand-in, dummy parent) and
 * an 802.1Q sub-interface created only when missing.
 * @module
 */
import { flat } from "../../spec/flat.ts";
import type { Netns, ParentAdd, VlanEnsure } from "./types.ts";

/**
 * Creates a parent link owned by the lab (a sandbox stand-in or a dummy parent).
 *
 * @example
 * ```ts
 * parentAdd("demo-host", "eth0", "dummy", PHASE.parents, "sandbox stand-in for a physical interface");
 * ```
 */
export function parentAdd(netns: Netns, dev: string, linkKind: "dummy" | "bridge", phase: number, why: string): ParentAdd {
  return {
    kind: "parent-add",
    id: flat(`parent:${dev}`),
    phase,
    netns,
    dev,
    linkKind,
    ensure: false,
    scope: netns,
    fact: { type: "link", netns, name: dev, kind: linkKind, attrs: {} },
    summary: flat(`create ${linkKind} ${dev} (${why})`),
    undo: { kind: "link-del", netns, dev },
  };
}

/**
 * Creates a VLAN sub-interface if it is missing; its undo runs only if this step created it.
 *
 * @example
 * ```ts
 * vlanEnsure("demo-host", "eth0.50", "eth0", 50, PHASE.parents).ensure; // true
 * ```
 */
export function vlanEnsure(netns: Netns, dev: string, base: string, vid: number, phase: number): VlanEnsure {
  return {
    kind: "vlan-ensure",
    id: flat(`vlan:${dev}`),
    phase,
    netns,
    dev,
    base,
    vid,
    ensure: true,
    scope: null,
    fact: { type: "link", netns, name: dev, kind: "vlan", attrs: { vlanId: vid, parent: base } },
    summary: flat(`ensure VLAN ${vid} sub-interface ${dev} on ${base}`),
    undo: { kind: "link-del", netns, dev },
  };
}
