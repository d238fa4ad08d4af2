/**
 * Namespace steps: creating a named network namespace, and the sysctls set inside one.
 * @module
 */
import { flat } from "../../spec/flat.ts";
import type { NetnsAdd, SysctlSet } from "./types.ts";

/**
 * Creates a named network namespace. `ensure`: one that exists already is left alone (a host
 * namespace the lab does not own).
 *
 * @example
 * ```ts
 * netnsAdd("demo-web", PHASE.namespaces, false); // { kind: "netns-add", name: "demo-web", undo: { kind: "netns-del", … } }
 * ```
 */
export function netnsAdd(name: string, phase: number, ensure: boolean): NetnsAdd {
  return {
    kind: "netns-add",
    id: flat(`netns:${name}`),
    phase,
    netns: null,
    name,
    ensure,
    scope: null,
    fact: { type: "netns", name },
    summary: flat(`${ensure ? "ensure" : "create"} namespace ${name}`),
    undo: { kind: "netns-del", netns: null, name },
  };
}

/** The sysctls that turn IPv6 router advertisements and autoconf off in an endpoint namespace. */
export const NO_RA_SYSCTLS: readonly { readonly key: string; readonly value: string }[] = Object.freeze([
  { key: "net.ipv6.conf.all.accept_ra", value: "0" },
  { key: "net.ipv6.conf.default.accept_ra", value: "0" },
  { key: "net.ipv6.conf.all.autoconf", value: "0" },
  { key: "net.ipv6.conf.default.autoconf", value: "0" },
]);

/**
 * Disables IPv6 router advertisements and autoconf inside an endpoint namespace (no stray SLAAC
 * addresses). Undone by deleting the namespace.
 *
 * @example
 * ```ts
 * sysctlNoRa("demo-web", PHASE.sysctl).settings.length; // 4
 * ```
 */
export function sysctlNoRa(netns: string, phase: number): SysctlSet {
  return {
    kind: "sysctl",
    id: flat(`sysctl:${netns}`),
    phase,
    netns,
    settings: NO_RA_SYSCTLS,
    ensure: false,
    scope: netns,
    fact: { type: "sysctl", netns, key: "net.ipv6.conf.default.accept_ra", value: "0" },
    summary: flat(`disable IPv6 RA/autoconf in ${netns}`),
    undo: null,
  };
}
