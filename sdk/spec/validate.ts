/**
 * Cross-field validation of a lab: names, parents, driver/mode mixes, duplicates. Returns every
 * problem at once as {@link Issue}s; address rules are checked by IPAM.
 * @module
 */
import type { Issue } from "../errors.ts";
import { endpointNetns, nameProblem, parseVlanParent } from "./names.ts";
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

/** The distinct networks of a lab, in first-use order, plus issues for name clashes. */
export function labNetworks(spec: LabSpec): { networks: NetworkSpec[]; issues: Issue[] } {
  const byName = new Map<string, NetworkSpec>();
  const issues: Issue[] = [];
  for (const ep of spec.endpoints) {
    for (const at of ep.attachments) {
      const seen = byName.get(at.network.name);
      if (seen === undefined) byName.set(at.network.name, at.network);
      else if (seen !== at.network && JSON.stringify(seen) !== JSON.stringify(at.network)) {
        issues.push({
          path: `networks.${at.network.name}`,
          message: `two different networks are named "${at.network.name}" — give each network its own name`,
        });
      }
    }
  }
  return { networks: [...byName.values()], issues };
}

/** Whether a network uses an owned dummy parent (no parent given, or internal). */
export function usesDummyParent(n: NetworkSpec): boolean {
  return n.internal || n.parent === undefined;
}

function nameIssues(name: string, path: string, what: string): Issue[] {
  const p = nameProblem(name);
  return p === null ? [] : [{ path, message: `${what} ${p}` }];
}

function networkIssues(n: NetworkSpec, endpointCount: number): Issue[] {
  const at = `networks.${n.name}`;
  const issues: Issue[] = [];
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(n.name)) {
    issues.push({ path: at, message: `network name must be 1–64 characters of A-Z a-z 0-9 _ . - but received ${JSON.stringify(n.name)}` });
  }
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
  if (n.mtu !== undefined) issues.push(...check(MtuSchema, n.mtu, `${at}.mtu`));
  issues.push(...check(GatewayPolicySchema, n.gatewayPolicy, `${at}.gatewayPolicy`));
  if (n.parent !== undefined) {
    if (n.parent === "lo") {
      issues.push({ path: `${at}.parent`, message: `"lo" cannot be a parent (loopback carries no L2 traffic) — name an Ethernet, bond or VLAN interface, or leave .parent() out for an isolated network` });
    } else {
      issues.push(...nameIssues(n.parent, `${at}.parent`, "parent"));
      const vlan = parseVlanParent(n.parent);
      if (vlan !== null) {
        issues.push(...check(VlanIdSchema, vlan.vid, `${at}.parent`).map((i) => ({ ...i, message: `${i.message} (from parent "${n.parent}")` })));
        if (vlan.base === "lo") issues.push({ path: `${at}.parent`, message: `VLAN on "lo" is impossible — use an Ethernet interface as base` });
      }
    }
  }
  if (n.hostAccess?.name !== undefined) issues.push(...nameIssues(n.hostAccess.name, `${at}.hostAccess.name`, "shim name"));
  return issues;
}

/**
 * Validates everything that is not about addresses. Returns all issues at once.
 *
 * @example
 * ```ts
 * const issues = validateLab(lab("demo").endpoint("a", net.macvlan("n").parent("lo")).spec());
 * // [{ path: "networks.n.parent", message: "\"lo\" cannot be a parent …" }]
 * ```
 */
export function validateLab(spec: LabSpec): Issue[] {
  const issues: Issue[] = [];
  issues.push(...nameIssues(spec.name, "lab", "lab name"));
  if (spec.host !== null) issues.push(...nameIssues(spec.host, "lab.host", "host namespace"));
  if (spec.sandbox && spec.host === null) {
    issues.push({ path: "lab.sandbox", message: "sandbox mode needs a host namespace — pass lab(name, { host: \"<ns>\", sandbox: true })" });
  }
  const { networks, issues: clash } = labNetworks(spec);
  issues.push(...clash);

  const endpointsPer = new Map<string, number>();
  const namespaces = new Map<string, string>();
  const macs = new Map<string, string>();
  for (const ep of spec.endpoints) {
    const at = `endpoints.${ep.name}`;
    issues.push(...nameIssues(ep.name, at, "endpoint name"));
    const ns = ep.netns ?? endpointNetns(spec.name, ep.name);
    issues.push(...nameIssues(ns, `${at}.netns`, "namespace"));
    const other = namespaces.get(ns);
    if (other !== undefined) issues.push({ path: `${at}.netns`, message: `namespace "${ns}" is already used by endpoint "${other}"` });
    else namespaces.set(ns, ep.name);
    if (ns === spec.host) issues.push({ path: `${at}.netns`, message: `namespace "${ns}" is the lab's host namespace — pick another name` });
    if (ep.attachments.length === 0) issues.push({ path: at, message: "an endpoint needs at least one network" });
    const seen = new Set<string>();
    for (const a of ep.attachments) {
      const ap = `${at}.${a.network.name}`;
      if (seen.has(a.network.name)) {
        issues.push({ path: ap, message: `endpoint "${ep.name}" is attached to network "${a.network.name}" twice — attach once (an endpoint takes one address per family per network)` });
      }
      seen.add(a.network.name);
      endpointsPer.set(a.network.name, (endpointsPer.get(a.network.name) ?? 0) + 1);
      if (a.mac !== undefined) {
        if (a.network.driver === "ipvlan") {
          issues.push({ path: `${ap}.mac`, message: "ipvlan endpoints share the parent's MAC; a custom MAC is only possible on macvlan" });
        } else {
          issues.push(...check(MacSchema, a.mac, `${ap}.mac`));
          const owner = macs.get(a.mac.toLowerCase());
          if (owner !== undefined) issues.push({ path: `${ap}.mac`, message: `MAC ${a.mac} is already used by ${owner}` });
          macs.set(a.mac.toLowerCase(), ap);
        }
      }
    }
  }

  const parentUse = new Map<string, NetworkSpec>();
  for (const n of networks) {
    issues.push(...networkIssues(n, endpointsPer.get(n.name) ?? 0));
    if (usesDummyParent(n) || n.parent === undefined) continue;
    const prev = parentUse.get(n.parent);
    if (prev === undefined) {
      parentUse.set(n.parent, n);
    } else if (prev.driver !== n.driver) {
      issues.push({
        path: `networks.${n.name}.parent`,
        message: `parent "${n.parent}" already carries ${prev.driver} network "${prev.name}"; mixing macvlan and ipvlan on one parent fails in the kernel ("device busy") — use another parent or a VLAN sub-interface such as ${n.parent}.<vid>`,
      });
    } else {
      issues.push({
        path: `networks.${n.name}.parent`,
        message: `parent "${n.parent}" already carries network "${prev.name}"; one network per parent — use a VLAN sub-interface such as ${n.parent}.<vid>, or add a subnet to "${prev.name}"`,
      });
    }
  }
  return issues;
}
