/**
 * The planner: validated lab spec + IPAM → ordered ops. Pure and deterministic: the same lab
 * always yields a byte-identical plan.
 * @module
 */
import { invalidSpec } from "../errors.ts";
import { allocateLab } from "../ipam/allocate.ts";
import {
  deterministicMac,
  dummyParentName,
  endpointNetns,
  ownershipMark,
  parseVlanParent,
  shimMac,
  shimName,
} from "../spec/names.ts";
import type { LabSpec, NetworkSpec } from "../spec/types.ts";
import { checkLab, labNetworks, labWhat, usesDummyParent } from "../spec/validate.ts";
import { addrAdd, hostsFiles, hostsMarker, linkSteps, linkUp, markLink, netnsAdd, parentAdd, routeAdd, shimAdd, sysctlNoRa, vlanEnsure, type EndpointLink, type Op, type SlaveLink } from "./ops/index.ts";
import { PHASE } from "./phases.ts";
import type { Diagnostic } from "../spec/types.ts";
import type { EndpointInfo, InterfaceInfo, NetworkInfo, PlanData, RouteInfo } from "./types.ts";

/** What the planner may assume about the kernel. */
export interface PlanOptions {
  /**
   * Whether the kernel has the `dummy` link kind (default `true`). When `false`, dummy parents
   * fall back to an unattached `bridge`, which isolates equally; the plan says so in a diagnostic.
   */
  readonly dummy?: boolean;
  /** Write `/etc/netns/<ns>/hosts` files for name resolution (default `true`). */
  readonly hostsFiles?: boolean;
  /**
   * Whether the kernel looks a new link's name up in the namespace the link is created in
   * (Linux 6.15 and later; probed as `nameInTarget` by the runner's capabilities). When `true`,
   * endpoint links are created under their final names and only marked inside the endpoint;
   * otherwise (the default, portable to any kernel) they are created under a temporary name and
   * renamed inside the endpoint. See {@link linkSteps}.
   */
  readonly nameInTarget?: boolean;
}

function modeOf(n: NetworkSpec): string {
  return n.driver === "macvlan" ? (n.macvlanMode ?? "bridge") : (n.ipvlanMode ?? "l2");
}

function isRouted(n: NetworkSpec): boolean {
  return n.driver === "ipvlan" && (n.ipvlanMode === "l3" || n.ipvlanMode === "l3s");
}

function withPrefix(ip: string): string {
  if (ip.includes("/")) return ip;
  return ip.includes(":") ? `${ip}/128` : `${ip}/32`;
}

/**
 * Compiles a lab into plan data. Throws `UnderlayError("INVALID_SPEC")` listing every problem.
 *
 * @example
 * ```ts
 * const data = compilePlan(lab("demo").endpoint("a", net.macvlan("n").parent("eth0").subnet("10.0.0.0/24")).spec());
 * data.ops.map((o) => o.summary);
 * ```
 */
export function compilePlan(input: LabSpec, options: PlanOptions = {}): PlanData {
  const { spec, issues } = checkLab(input); // types, names, values, MACs; the canonical lab
  if (spec === null) throw invalidSpec(issues, labWhat(input));
  const addressing = allocateLab(spec);
  issues.push(...addressing.issues);
  if (issues.length > 0) throw invalidSpec(issues, `lab "${spec.name}"`);

  const dummyKind = options.dummy === false ? "bridge" : "dummy";
  const mark = ownershipMark(spec.name);
  const host = spec.host;
  const diagnostics: Diagnostic[] = [...addressing.diagnostics];
  const ops: Op[] = [];
  const { networks } = labNetworks(spec);

  // Host namespace.
  if (host !== null) ops.push(netnsAdd(host, PHASE.host, !spec.sandbox));

  // Parents.
  const infos: NetworkInfo[] = [];
  const standIns = new Set<string>();
  const vlans = new Set<string>();
  const parentOps: Op[] = [];
  const parentUpOps: Op[] = [];
  for (const n of networks) {
    let parent: string;
    let source: NetworkInfo["parentSource"];
    let vlan: number | null = null;
    let vlanBase: string | null = null;
    if (usesDummyParent(n)) {
      parent = dummyParentName(spec.name, n.name);
      source = "dummy";
      if (n.internal && n.parent !== undefined) {
        diagnostics.push({ level: "info", path: `networks.${n.name}.parent`, message: `internal network: parent "${n.parent}" is ignored, an isolated dummy parent ${parent} is used (as Docker's --internal does)` });
      }
      parentOps.push(parentAdd(host, parent, dummyKind, PHASE.parents, `isolated parent of ${n.internal ? "internal " : ""}network ${n.name}${n.internal ? "" : " (no parent given)"}`));
      parentUpOps.push(markLink(host, parent, mark, PHASE.parentsUp, null), linkUp(host, parent, PHASE.parentsUp, null));
      if (dummyKind !== "dummy") {
        diagnostics.push({ level: "info", path: `networks.${n.name}.parent`, message: `this kernel has no dummy links (CONFIG_DUMMY); the isolated parent ${parent} is an unattached bridge instead, which isolates equally` });
      }
    } else {
      parent = n.parent as string;
      const v = parseVlanParent(parent);
      const base = v === null ? parent : v.base;
      source = spec.sandbox ? "sandbox" : "existing";
      if (spec.sandbox && !standIns.has(base)) {
        standIns.add(base);
        parentOps.push(parentAdd(host, base, dummyKind, PHASE.parents, "sandbox stand-in for a physical interface"));
        parentUpOps.push(markLink(host, base, mark, PHASE.parentsUp, null), linkUp(host, base, PHASE.parentsUp, null));
      }
      if (v !== null) {
        vlan = v.vid;
        vlanBase = v.base;
        source = "vlan";
        if (!vlans.has(parent)) {
          vlans.add(parent);
          const ensure = vlanEnsure(host, parent, v.base, v.vid, PHASE.parents);
          parentOps.push(ensure);
          parentUpOps.push(markLink(host, parent, mark, PHASE.parentsUp, null, ensure.id), linkUp(host, parent, PHASE.parentsUp, null, ensure.id));
        }
      }
    }
    infos.push({
      name: n.name,
      driver: n.driver,
      mode: modeOf(n),
      flag: n.driver === "ipvlan" ? (n.ipvlanFlag ?? null) : null,
      parent,
      vlanBase,
      parentSource: source,
      vlan,
      internal: n.internal,
      subnets: addressing.subnets.get(n.name) ?? [],
      mtu: n.mtu ?? null,
    });
  }
  ops.push(...parentOps, ...parentUpOps);

  // Endpoint namespaces, sysctls, links, in-namespace configuration.
  const nsOps: Op[] = [];
  const sysctlOps: Op[] = [];
  const linkOps: Op[] = [];
  const inNsOps: Op[] = [];
  const endpoints: EndpointInfo[] = [];
  const hostsLines: string[] = [];
  const infoByName = new Map(infos.map((i) => [i.name, i]));
  for (const ep of spec.endpoints) {
    const ns = ep.netns ?? endpointNetns(spec.name, ep.name);
    nsOps.push(netnsAdd(ns, PHASE.namespaces, false));
    const ifaces: InterfaceInfo[] = [];
    const setup: Op[] = [linkUp(ns, "lo", PHASE.endpoint, ns)];
    const routeOps: Op[] = [];
    const hasDefault = { 4: false, 6: false };
    let hasV6 = false;
    ep.attachments.forEach((at, i) => {
      const n = at.network;
      const info = infoByName.get(n.name) as NetworkInfo;
      const dev = `eth${i}`;
      const addresses = addressing.addresses.get(`${ep.name}/${n.name}`) ?? [];
      // Passthru hands the parent (and its MAC) to the endpoint; ipvlan shares the parent's MAC.
      const mac = n.driver === "macvlan" && info.mode !== "passthru" ? (at.mac?.toLowerCase() ?? deterministicMac(spec.name, ep.name, n.name)) : null;
      const link: EndpointLink = { target: ns, name: dev, parent: info.parent, driver: n.driver, mode: info.mode, flag: info.flag, mac, mtu: info.mtu };
      const [add, rename] = linkSteps(host, link, { add: PHASE.links, rename: PHASE.endpoint }, mark, options.nameInTarget === true);
      linkOps.push(add);
      setup.push(rename);
      for (const a of addresses) {
        setup.push(addrAdd(ns, dev, a, PHASE.endpoint, ns));
        if (a.includes(":")) hasV6 = true;
      }
      setup.push(linkUp(ns, dev, PHASE.endpoint, ns));
      const routes: RouteInfo[] = [];
      if (!info.internal) {
        for (const family of [4, 6] as const) {
          if (hasDefault[family]) continue;
          const has = addresses.some((a) => a.includes(":") === (family === 6));
          if (!has) continue;
          if (isRouted(n)) {
            routeOps.push(routeAdd(ns, { family, dst: "default", dev, via: null }, PHASE.endpoint, ns));
            routes.push({ dst: "default", dev });
            hasDefault[family] = true;
          } else {
            const mine = addresses.find((a) => a.includes(":") === (family === 6));
            const gw = mine === undefined ? null : (addressing.gateways.get(mine) ?? null);
            if (gw !== null) {
              routeOps.push(routeAdd(ns, { family, dst: "default", dev, via: gw }, PHASE.endpoint, ns));
              routes.push({ dst: "default", via: gw, dev });
              hasDefault[family] = true;
            }
          }
        }
      }
      ifaces.push({ name: dev, network: n.name, mac, addresses, routes });
      const first = addresses[0];
      if (first !== undefined && i === 0) hostsLines.push(`${first.split("/")[0]}\t${ep.name}`);
    });
    if (hasV6) sysctlOps.push(sysctlNoRa(ns, PHASE.sysctl));
    inNsOps.push(...setup, ...routeOps);
    endpoints.push({ name: ep.name, netns: ns, interfaces: ifaces });
  }
  ops.push(...nsOps, ...sysctlOps, ...linkOps, ...inNsOps);

  if (options.hostsFiles !== false && endpoints.length > 0) {
    const content = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", hostsMarker(spec.name), ...hostsLines].join("\n");
    ops.push(hostsFiles(endpoints.map((e) => e.netns), content, PHASE.hosts));
  }

  // Host-access shims.
  for (const n of networks) {
    if (n.hostAccess === undefined) continue;
    const info = infoByName.get(n.name) as NetworkInfo;
    const name = n.hostAccess.name ?? shimName(spec.name, n.name);
    const link: SlaveLink = {
      parent: info.parent,
      driver: n.driver,
      mode: n.driver === "macvlan" ? "bridge" : info.mode,
      flag: info.flag,
      mac: n.driver === "macvlan" ? (n.hostAccess.mac ?? shimMac(spec.name, n.name)) : null,
      mtu: info.mtu,
    };
    ops.push(shimAdd(host, name, link, PHASE.shims), markLink(host, name, mark, PHASE.shims, null));
    ops.push(addrAdd(host, name, withPrefix(n.hostAccess.ip), PHASE.shims, null), linkUp(host, name, PHASE.shims, null));
    for (const ep of endpoints) {
      for (const ifc of ep.interfaces) {
        if (ifc.network !== n.name) continue;
        for (const a of ifc.addresses) {
          const ip = a.split("/")[0] as string;
          ops.push(routeAdd(host, { family: ip.includes(":") ? 6 : 4, dst: withPrefix(ip), dev: name, via: null }, PHASE.shims, null));
        }
      }
    }
  }

  return {
    lab: spec.name,
    host,
    sandbox: spec.sandbox,
    mark,
    ops,
    networks: infos,
    endpoints,
    diagnostics,
  };
}
