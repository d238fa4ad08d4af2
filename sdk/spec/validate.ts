/**
 * Cross-field validation of a lab: names, parents, driver/mode mixes, duplicates, host access,
 * MACs. Returns every problem at once as {@link Issue}s; address rules are checked by IPAM. A
 * definition whose types are wrong (see `shape.ts`) is reported by type alone: no rule reads a
 * field of the wrong type.
 * @module
 */
import type { Issue } from "../errors.ts";
import { assignMacs, type LabMacs } from "./macs.ts";
import { endpointNetns } from "./names.ts";
import { nameIssues, networkIssues, shimClashes, usesDummyParent } from "./network-rules.ts";
import { check, MacSchema } from "./schema.ts";
import { shapeIssues } from "./shape.ts";
import type { AttachmentSpec, EndpointSpec, LabSpec, NetworkSpec } from "./types.ts";
import { parseHostAddress } from "./values.ts";

export { usesDummyParent };

/** The distinct networks of a lab, in first-use order, plus issues for name clashes. */
export function labNetworks(spec: LabSpec): { networks: NetworkSpec[]; issues: Issue[] } {
  const byName = new Map<string, NetworkSpec>();
  const issues: Issue[] = [];
  // In first-use order: the endpoints' networks, then those declared without an endpoint.
  const all = [...spec.endpoints.flatMap((ep) => ep.attachments.map((at) => at.network)), ...(spec.networks ?? [])];
  for (const network of all) {
    const seen = byName.get(network.name);
    if (seen === undefined) byName.set(network.name, network);
    else if (seen !== network && JSON.stringify(seen) !== JSON.stringify(network)) {
      issues.push({
        path: `networks.${network.name}`,
        message: `two different networks are named "${network.name}" — give each network its own name`,
      });
    }
  }
  return { networks: [...byName.values()], issues };
}

function attachmentIssues(ep: EndpointSpec, a: AttachmentSpec, path: string): Issue[] {
  if (a.mac === undefined) return [];
  if (a.network.driver === "ipvlan") {
    return [{ path: `${path}.mac`, message: "ipvlan endpoints share the parent's MAC; a custom MAC is only possible on macvlan" }];
  }
  return check(MacSchema, a.mac, `${path}.mac`).map((i) => ({ ...i, message: `${i.message} (endpoint "${ep.name}")` }));
}

function specIssues(spec: LabSpec, networks: readonly NetworkSpec[], clash: readonly Issue[]): Issue[] {
  const issues: Issue[] = [];
  issues.push(...nameIssues(spec.name, "lab", "lab name", "lab"));
  if (spec.host !== null) issues.push(...nameIssues(spec.host, "lab.host", "host namespace", "namespace"));
  if (spec.sandbox && spec.host === null) {
    issues.push({ path: "lab.sandbox", message: "sandbox mode needs a host namespace — pass lab(name, { host: \"<ns>\", sandbox: true })" });
  }
  issues.push(...clash);

  const endpointsPer = new Map<string, number>();
  const namespaces = new Map<string, string>();
  for (const ep of spec.endpoints) {
    const at = `endpoints.${ep.name}`;
    issues.push(...nameIssues(ep.name, at, "endpoint name", "endpoint"));
    const ns = ep.netns ?? endpointNetns(spec.name, ep.name);
    issues.push(...nameIssues(ns, `${at}.netns`, ep.netns === undefined ? `namespace (derived: <lab>-<endpoint>)` : "namespace", "namespace"));
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
      issues.push(...attachmentIssues(ep, a, ap));
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
  issues.push(...shimClashes(spec, networks));
  return issues;
}

/**
 * Validates everything that is not about addresses, for a definition given as any value (a
 * builder's `spec()`, or plain data from JSON). Returns all issues at once: the type problems
 * when there are any, otherwise every rule's.
 *
 * @example
 * ```ts
 * const issues = validateLab(lab("demo").endpoint("a", net.macvlan("n").parent("lo")).spec());
 * // [{ path: "networks.n.parent", message: "\"lo\" cannot be a parent …" }]
 * ```
 */
export function validateLab(input: unknown): Issue[] {
  return checkLab(input).issues;
}

/** A lab after {@link checkLab}. */
export interface CheckedLab {
  /**
   * The canonical lab (`null` when its types are wrong): host-access addresses as
   * `address/prefix`, shim MACs and re-derived endpoint MACs written out.
   */
  readonly spec: LabSpec | null;
  /** Every problem found. */
  readonly issues: Issue[];
}

function canonicalLab(spec: LabSpec, macs: LabMacs): LabSpec {
  const networks = new Map<NetworkSpec, NetworkSpec>();
  const canonical = (n: NetworkSpec): NetworkSpec => {
    const seen = networks.get(n);
    if (seen !== undefined) return seen;
    let out = n;
    if (n.hostAccess !== undefined) {
      const ip = parseHostAddress(n.hostAccess.ip, "hostAccess ip");
      const mac = macs.shims.get(n.name);
      out = { ...n, hostAccess: { ...n.hostAccess, ...(typeof ip === "string" ? {} : { ip: ip.cidr }), ...(mac === undefined ? {} : { mac }) } };
    }
    networks.set(n, out);
    return out;
  };
  // Only what differs from what the planner derives by itself is written out: networks with host
  // access, and MACs re-derived after a hash accident (10,000 endpoints are not copied for nothing).
  const rederived = new Map<EndpointSpec, Set<number>>();
  for (const [i, j] of macs.rederived) {
    const ep = spec.endpoints[i] as EndpointSpec;
    rederived.set(ep, (rederived.get(ep) ?? new Set()).add(j));
  }
  const endpoints = spec.endpoints.map((ep, i) => {
    const again = rederived.get(ep);
    let changed = false;
    const attachments = ep.attachments.map((at, j) => {
      const network = canonical(at.network);
      const mac = again?.has(j) === true ? macs.attachments[i]?.[j] : undefined;
      if (network === at.network && mac === undefined) return at;
      changed = true;
      return mac === undefined || mac === null ? { ...at, network } : { ...at, network, mac };
    });
    return changed ? { ...ep, attachments } : ep;
  });
  return { ...spec, endpoints };
}

/**
 * Checks a lab given as any value and returns its canonical form with every issue: first the
 * types (`shape.ts`; when they are wrong, nothing else is read), then names, parents, modes,
 * host access and MACs ({@link assignMacs}). The planner plans the canonical form; addresses are
 * IPAM's to check.
 *
 * @example
 * ```ts
 * const { spec, issues } = checkLab(JSON.parse(text));
 * if (issues.length > 0) throw invalidSpec(issues, "lab");
 * ```
 */
export function checkLab(input: unknown): CheckedLab {
  const shape = shapeIssues(input);
  if (shape.length > 0) return { spec: null, issues: shape };
  const spec = input as LabSpec;
  const { networks, issues: clash } = labNetworks(spec);
  const issues = specIssues(spec, networks, clash);
  const macs = assignMacs(spec, networks);
  issues.push(...macs.issues);
  return { spec: canonicalLab(spec, macs), issues };
}

/**
 * How an error names a lab given as any value: `lab "demo"`, or `lab definition` when it has no name.
 *
 * @example
 * ```ts
 * labWhat({ name: "demo" }); // 'lab "demo"'
 * ```
 */
export function labWhat(input: unknown): string {
  const name = typeof input === "object" && input !== null ? (input as { name?: unknown }).name : undefined;
  return typeof name === "string" ? `lab ${JSON.stringify(name)}` : "lab definition";
}
