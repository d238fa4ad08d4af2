/**
 * The rules of one network on its own: its name, modes, MTU, parent (and VLAN base), host access
 * (shim name, address, MAC), and the names of the links it puts in the host namespace. Used by
 * `validate.ts`, which adds the rules across networks and endpoints.
 * @module
 */
import type { Issue } from "../errors.ts";
import { dummyParentName, nameProblem, parseVlanParent, shimName, type NameRole } from "./names.ts";
import {
  check,
  GatewayPolicySchema,
  IpvlanFlagSchema,
  IpvlanModeSchema,
  MacSchema,
  MacvlanModeSchema,
  MtuSchema,
  VlanIdSchema,
} from "./schema.ts";
import type { LabSpec, NetworkSpec } from "./types.ts";
import { parseHostAddress } from "./values.ts";

/**
 * Whether a network uses an owned dummy parent (no parent given, or internal).
 *
 * @example
 * ```ts
 * usesDummyParent(net.ipvlan("iso").internal().spec()); // true
 * ```
 */
export function usesDummyParent(n: NetworkSpec): boolean {
  return n.internal || n.parent === undefined;
}

/**
 * The issue of a name by the one grammar, prefixed with what it names; none when it is fine.
 *
 * @example
 * ```ts
 * nameIssues("-", "lab.host", "host namespace", "namespace"); // [{ path: "lab.host", message: "host namespace must not start with \"-\" …" }]
 * ```
 */
export function nameIssues(name: unknown, path: string, what: string, role: NameRole): Issue[] {
  const p = nameProblem(name, role);
  return p === null ? [] : [{ path, message: `${what} ${p}` }];
}

/** Names of the links underlay derives (dummy parents, shims, temporary endpoint links). */
const DERIVED_LINK = /^ul[ht]?[0-9a-f]{8}$/;

/** A link name the user gives (parent, VLAN base, shim): the grammar, and none of underlay's derived names. */
function userLinkIssues(name: string, path: string, what: string): Issue[] {
  const issues = nameIssues(name, path, what, "interface");
  if (issues.length === 0 && DERIVED_LINK.test(name)) {
    issues.push({ path, message: `${what} "${name}" has the form of a link underlay derives (ul, ulh or ult + 8 hex digits) — choose another name` });
  }
  return issues;
}

function parentIssues(parent: string, at: string): Issue[] {
  if (parent === "lo") {
    return [{ path: at, message: `"lo" cannot be a parent (loopback carries no L2 traffic) — name an Ethernet, bond or VLAN interface, or leave .parent() out for an isolated network` }];
  }
  const issues = userLinkIssues(parent, at, "parent");
  const vlan = parseVlanParent(parent);
  if (vlan === null) return issues;
  issues.push(...check(VlanIdSchema, vlan.vid, at).map((i) => ({ ...i, message: `${i.message} (from parent "${parent}")` })));
  const vid = parent.slice(vlan.base.length + 1);
  if (/^0[0-9]/.test(vid)) {
    issues.push({ path: at, message: `VLAN id "${vid}" of parent "${parent}" has a leading zero, which iproute2 reads as octal — write ${vlan.base}.${vlan.vid}` });
  }
  if (vlan.base === "lo") issues.push({ path: at, message: `VLAN on "lo" is impossible — use an Ethernet interface as base` });
  else if (issues.length === 0) issues.push(...userLinkIssues(vlan.base, at, `VLAN base of "${parent}":`));
  return issues;
}

function hostAccessIssues(n: NetworkSpec, at: string): Issue[] {
  const access = n.hostAccess;
  if (access === undefined) return [];
  const issues: Issue[] = [];
  const ip = parseHostAddress(access.ip, "hostAccess ip");
  if (typeof ip === "string") issues.push({ path: `${at}.hostAccess.ip`, message: ip });
  if (access.name !== undefined) issues.push(...userLinkIssues(access.name, `${at}.hostAccess.name`, "shim name"));
  if (access.mac !== undefined) {
    if (n.driver === "ipvlan") issues.push({ path: `${at}.hostAccess.mac`, message: "an ipvlan shim shares the parent's MAC; a MAC is only possible on macvlan — leave it out" });
    else issues.push(...check(MacSchema, access.mac, `${at}.hostAccess.mac`));
  }
  return issues;
}

/**
 * Every problem of one network on its own.
 *
 * @example
 * ```ts
 * networkIssues(net.macvlan("n").parent("lo").spec(), 1); // [{ path: "networks.n.parent", message: "\"lo\" cannot be a parent …" }]
 * ```
 */
export function networkIssues(n: NetworkSpec, endpointCount: number): Issue[] {
  const at = `networks.${n.name}`;
  const issues: Issue[] = [...nameIssues(n.name, at, "network name", "network")];
  if (n.driver === "macvlan") {
    if (n.macvlanMode !== undefined) issues.push(...check(MacvlanModeSchema, n.macvlanMode, `${at}.mode`));
    if (n.ipvlanMode !== undefined) issues.push({ path: `${at}.mode`, message: `"${n.ipvlanMode}" is an ipvlan mode; macvlan takes bridge | vepa | private | passthru | source` });
    if (n.ipvlanFlag !== undefined) {
      issues.push({ path: `${at}.flag`, message: `flags (bridge | private | vepa) apply to ipvlan only, but this is a macvlan network — use .mode("${n.ipvlanFlag}") instead` });
    }
    if (n.macvlanMode === "passthru" && endpointCount > 1) {
      issues.push({ path: `${at}.mode`, message: `passthru gives the whole parent to one endpoint, but ${endpointCount} endpoints attach — use bridge mode or one endpoint` });
    }
  } else {
    if (n.ipvlanMode !== undefined) issues.push(...check(IpvlanModeSchema, n.ipvlanMode, `${at}.mode`));
    if (n.macvlanMode !== undefined) issues.push(...check(IpvlanModeSchema, n.macvlanMode, `${at}.mode`));
    if (n.ipvlanFlag !== undefined) issues.push(...check(IpvlanFlagSchema, n.ipvlanFlag, `${at}.flag`));
  }
  if (n.mtu !== undefined) {
    const mtu = check(MtuSchema, n.mtu, `${at}.mtu`);
    issues.push(...mtu);
    const v6 = n.subnets.find((s) => s.cidr.includes(":"));
    if (mtu.length === 0 && n.mtu < 1280 && v6 !== undefined) {
      issues.push({ path: `${at}.mtu`, message: `MTU ${n.mtu} is below 1280, where the kernel turns IPv6 off, but the network has IPv6 subnet ${v6.cidr} — use at least 1280, or drop the IPv6 subnet` });
    }
  }
  issues.push(...check(GatewayPolicySchema, n.gatewayPolicy, `${at}.gatewayPolicy`));
  if (n.parent !== undefined) issues.push(...parentIssues(n.parent, `${at}.parent`));
  issues.push(...hostAccessIssues(n, at));
  return issues;
}

/** Names of the links the lab has in its host namespace, by who holds them (shims are checked against these). */
function hostLinks(spec: LabSpec, networks: readonly NetworkSpec[]): Map<string, string> {
  const held = new Map<string, string>();
  for (const n of networks) {
    if (usesDummyParent(n)) {
      held.set(dummyParentName(spec.name, n.name), `the isolated parent of network "${n.name}"`);
    } else if (n.parent !== undefined) {
      held.set(n.parent, `the parent of network "${n.name}"`);
      const base = parseVlanParent(n.parent)?.base;
      if (base !== undefined && !held.has(base)) held.set(base, `the base of VLAN parent "${n.parent}" (network "${n.name}")`);
    }
  }
  for (const n of networks) {
    if (n.hostAccess === undefined) continue;
    const name = n.hostAccess.name ?? shimName(spec.name, n.name);
    const other = held.get(name);
    if (other !== undefined) continue;
    held.set(name, `the host-access shim of network "${n.name}"`);
  }
  return held;
}

/**
 * Shims named like another link of the host namespace (a parent, a VLAN base, a dummy parent).
 *
 * @example
 * ```ts
 * shimClashes(spec, networks); // [{ path: "networks.n.hostAccess.name", message: "shim name \"eth0\" is already …" }]
 * ```
 */
export function shimClashes(spec: LabSpec, networks: readonly NetworkSpec[]): Issue[] {
  const held = hostLinks(spec, networks);
  const issues: Issue[] = [];
  for (const n of networks) {
    if (n.hostAccess?.name === undefined) continue;
    const owner = held.get(n.hostAccess.name);
    if (owner !== undefined && owner !== `the host-access shim of network "${n.name}"`) {
      issues.push({ path: `networks.${n.name}.hostAccess.name`, message: `shim name "${n.hostAccess.name}" is already ${owner} in the host namespace — pick another name` });
    }
  }
  return issues;
}
