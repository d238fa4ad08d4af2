/**
 * Ipvlan L3 route helpers. L3 (and L3S) networks are routed, not bridged: nothing outside the
 * host knows their subnets. These helpers compute the routes others need — a remote host, the
 * upstream router, the other host of a two-host setup — as data, as `ip route` argv, and as a
 * small lab-like object the runner can apply, verify and undo on any executor.
 * @module
 */
import { invalidSpec, UnderlayError, type Issue } from "../errors.ts";
import { cidrTextsOverlap, ipInCidr, type ParsedCidr, type ParsedIp } from "../lib/address.ts";
import type { NetworkBuilder } from "../builder/network.ts";
import { RouteSet } from "../builder/route-set.ts";
import type { PlanData } from "../plan/types.ts";
import { describeValue, nameProblem } from "../spec/names.ts";
import { parseIssues } from "../spec/shape.ts";
import type { NetworkSpec } from "../spec/types.ts";
import { checkCidrs, checkVias, L3HostShape, networkSubnets, RouteOptionsShape } from "../spec/route-checks.ts";

import type { Route } from "../builder/route-set.ts";

export type { Route } from "../builder/route-set.ts";

/** Where the routes go and what the peer looks like. */
export interface RouteOptions {
  /** The L3 host's underlay address(es) the peer reaches it by (one IPv4 and/or one IPv6). */
  readonly via: string | readonly string[];
  /** Output device on the peer (needed to apply the routes as a plan). */
  readonly dev?: string;
  /** The peer's connected subnets (CIDRs on its interfaces): `via` must lie in one of them. */
  readonly peerConnected?: readonly string[];
  /** The peer's own subnets (its containers, its LAN): container subnets must not overlap them. */
  readonly peerOwn?: readonly string[];
}

function is6(s: string): boolean {
  return s.includes(":");
}

function specOf(n: NetworkBuilder | NetworkSpec): NetworkSpec {
  const spec: unknown = typeof n === "object" && n !== null ? (n as { spec?: unknown }).spec : undefined;
  return typeof spec === "function" ? (n as NetworkBuilder).spec() : (n as NetworkSpec);
}

/**
 * The routes a remote host or the upstream router needs to reach an ipvlan L3 network:
 * `<container subnet> via <host address>` for every subnet, IPv4 and IPv6. Malformed input (wrong
 * types, a subnet or `via` that is no address, a bad device name) is `INVALID_SPEC`; it throws
 * `ROUTE` when `via` lies outside every connected subnet of the peer, a subnet overlaps the
 * peer's own, or a family has subnets but no `via` of that family. Addresses come out canonical.
 *
 * @example
 * ```ts
 * const l3 = net.ipvlan("ipnet210").mode("l3").subnet("192.168.214.0/24").subnet("10.1.214.0/24");
 * l3Routes(l3, { via: "192.168.1.250" });
 * // [{ dst: "192.168.214.0/24", via: "192.168.1.250" }, { dst: "10.1.214.0/24", via: "192.168.1.250" }]
 * ```
 */
export function l3Routes(network: NetworkBuilder | NetworkSpec, options: RouteOptions): Route[] {
  const n = specOf(network);
  const input: Issue[] = [];
  const subnets = typeof n === "object" && n !== null ? networkSubnets(n, input) : [];
  if (typeof n !== "object" || n === null) input.push({ path: "network", message: `expected a network (net.ipvlan(…) or its spec()) but received ${describeValue(n)}` });
  const shape = parseIssues(RouteOptionsShape, options, "");
  input.push(...shape);
  let vias: ParsedIp[] = [];
  let connectedCidrs: ParsedCidr[] = [];
  if (shape.length === 0) {
    vias = checkVias(options.via, "via", input);
    if (options.dev !== undefined) {
      const p = nameProblem(options.dev, "interface");
      if (p !== null) input.push({ path: "dev", message: `dev ${p}` });
    }
    connectedCidrs = checkCidrs(options.peerConnected, "peerConnected", input);
    checkCidrs(options.peerOwn, "peerOwn", input);
  }
  if (input.length > 0) throw invalidSpec(input, `route options${typeof n === "object" && n !== null && typeof n.name === "string" ? ` for network "${n.name}"` : ""}`);

  const issues: Issue[] = [];
  if (n.driver !== "ipvlan" || (n.ipvlanMode !== "l3" && n.ipvlanMode !== "l3s")) {
    issues.push({ path: `networks.${n.name}`, message: `${n.driver} ${n.driver === "ipvlan" ? (n.ipvlanMode ?? "l2") : (n.macvlanMode ?? "bridge")} is bridged, not routed: peers on the same L2 segment reach it without routes; only ipvlan l3/l3s needs them` });
  }
  if (n.subnets.length === 0) issues.push({ path: `networks.${n.name}.subnets`, message: "the network has no explicit subnet; give it one so peers can route to it" });
  const routes: Route[] = [];
  for (const s of subnets) {
    const fam = s.family;
    const via = vias.find((v) => v.family === fam)?.text;
    if (via === undefined) {
      issues.push({ path: "via", message: `subnet ${s.text} is IPv${fam} but no IPv${fam} via was given — add the host's IPv${fam} underlay address` });
      continue;
    }
    for (const own of options.peerOwn ?? []) {
      if (cidrTextsOverlap(s.text, own)) issues.push({ path: `networks.${n.name}.subnets`, message: `container subnet ${s.text} overlaps the peer's own subnet ${own} — the peer would route its own addresses away; pick another subnet` });
    }
    for (const own of options.peerConnected ?? []) {
      if (cidrTextsOverlap(s.text, own)) issues.push({ path: `networks.${n.name}.subnets`, message: `container subnet ${s.text} overlaps the peer's connected subnet ${own} — pick another subnet` });
    }
    routes.push(options.dev === undefined ? { dst: s.text, via } : { dst: s.text, via, dev: options.dev });
  }
  for (const via of vias) {
    const connected = connectedCidrs.filter((c) => c.family === via.family);
    if (options.peerConnected !== undefined && !connected.some((c) => ipInCidr(via, c))) {
      const shown = (options.peerConnected ?? []).filter((c) => is6(c) === (via.family === 6));
      issues.push({ path: "via", message: `via ${via.text} is outside every connected subnet of the peer (${shown.join(", ") || "none of its family"}) — the peer could not reach it; use the host's address on the shared underlay` });
    }
  }
  if (issues.length > 0) {
    throw new UnderlayError("ROUTE", `cannot compute routes to ${n.name}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n")}`, { issues });
  }
  return routes;
}

/**
 * Routes as `ip route replace` argv arrays (for a script, an SSH session, or a router).
 *
 * @example
 * ```ts
 * routeArgv(l3Routes(l3, { via: "192.168.1.250" })); // [["ip", "route", "replace", "192.168.214.0/24", "via", "192.168.1.250"], …]
 * ```
 */
export function routeArgv(routes: readonly Route[]): string[][] {
  return routes.map((r) => ["ip", "route", "replace", r.dst, "via", r.via, ...(r.dev === undefined ? [] : ["dev", r.dev])]);
}

/** One side of a two-host ipvlan L3 setup. */
export interface L3Host {
  /** The L3 network(s) this host carries. */
  readonly networks: readonly (NetworkBuilder | NetworkSpec)[];
  /** This host's address on the shared underlay. */
  readonly address: string | readonly string[];
  /** The host's underlay device (where routes to the other side go out). */
  readonly dev: string;
  /** The host's namespace (`null` = the executor's own). */
  readonly netns: string | null;
  /** The host's connected underlay subnets (for checking `via`). */
  readonly connected?: readonly string[];
}

/**
 * Both directions of a two-host ipvlan L3 setup: on A, routes to B's container subnets via B's
 * underlay address; on B, routes to A's via A's.
 *
 * @example
 * ```ts
 * const { onA, onB } = twoHostRoutes("pair", hostA, hostB);
 * await onA.up(); await onB.up();
 * ```
 */
export function twoHostRoutes(name: string, a: L3Host, b: L3Host): { onA: RouteSet; onB: RouteSet } {
  const input: Issue[] = [];
  const named = nameProblem(name, "lab");
  const derived = named === null ? nameProblem(`${name}-a`, "lab") : null;
  if (named !== null) input.push({ path: "name", message: `route set name ${named}` });
  else if (derived !== null) input.push({ path: "name", message: `route set names are <name>-a and <name>-b, and "${name}-a" ${derived}` });
  input.push(...parseIssues(L3HostShape, a, "a"), ...parseIssues(L3HostShape, b, "b"));
  if (input.length > 0) throw invalidSpec(input, "two-host routes");
  const own = (h: L3Host): string[] => h.networks.flatMap((n) => specOf(n).subnets.map((s) => s.cidr));
  const towards = (from: L3Host, to: L3Host): Route[] =>
    to.networks.flatMap((n) =>
      l3Routes(n, {
        via: to.address,
        dev: from.dev,
        peerOwn: own(from),
        ...(from.connected === undefined ? {} : { peerConnected: from.connected }),
      }),
    );
  return { onA: new RouteSet(`${name}-a`, a.netns, towards(a, b)), onB: new RouteSet(`${name}-b`, b.netns, towards(b, a)) };
}

/**
 * The host-side routes of host-access shims in a plan: `<endpoint address>/32 dev <shim>` (the
 * planner adds them; this lists them as data).
 *
 * @example
 * ```ts
 * hostAccessRoutes(lab.plan().toJSON()); // [{ dst: "192.168.1.2/32", dev: "ulh…" }]
 * ```
 */
export function hostAccessRoutes(plan: PlanData): { readonly dst: string; readonly dev: string }[] {
  return plan.ops
    .flatMap((o) => (o.kind === "route-add" && o.netns === plan.host ? [{ dst: o.dst, dev: o.dev }] : []));
}
