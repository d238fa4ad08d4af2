/**
 * Input checks of the route helpers, at the public boundary: valibot schemas for the types
 * (routes, route options, the two hosts of `twoHostRoutes`), then every value — route-set and
 * device names by the one name grammar, addresses and CIDRs parsed and made canonical (decimal
 * prefix lengths, no leading zeros, a destination's network address, a `via` of the
 * destination's family). Malformed input is `INVALID_SPEC` with every problem and its path;
 * the route relations (a `via` the peer cannot reach, overlapping subnets) stay `ROUTE`.
 * @module
 */
import * as v from "valibot";
import type { Issue } from "../errors.ts";
import { badCidrMessage, badIpMessage, familyName, parseCidr, parseIp, type ParsedCidr, type ParsedIp } from "../lib/address.ts";
import { describeValue, nameProblem } from "./names.ts";
import { expected, NetworkShape, parseIssues, str, strict } from "./shape.ts";
import type { NetworkSpec } from "./types.ts";

/**
 * A route as data: destination, next hop, device.
 *
 * @example
 * ```ts
 * parseIssues(RouteShape, { dst: "10.1.0.0/16", via: 5 }, "routes[0]"); // one issue at routes[0].via
 * ```
 */
export const RouteShape = strict("a route", { dst: str("a destination CIDR"), via: str("a next-hop address"), dev: v.optional(str("a device name")) });

const addresses = (what: string): v.GenericSchema =>
  v.union([str(what), v.array(str(what))], expected(`${what} (a string, or a list of strings)`));
const cidrList = (what: string): v.GenericSchema => v.array(str(what), expected(`a list of ${what}s`));

/**
 * Options of `l3Routes`.
 *
 * @example
 * ```ts
 * parseIssues(RouteOptionsShape, { via: ["192.168.1.250"], peerOwn: "10.0.0.0/8" }, ""); // one issue at peerOwn
 * ```
 */
export const RouteOptionsShape = strict("route options", {
  via: addresses("an address"),
  dev: v.optional(str("a device name")),
  peerConnected: v.optional(cidrList("CIDR")),
  peerOwn: v.optional(cidrList("CIDR")),
});

/**
 * One host of `twoHostRoutes`.
 *
 * @example
 * ```ts
 * parseIssues(L3HostShape, { networks: [], address: "172.30.0.1", dev: "u0", netns: null }, "a"); // []
 * ```
 */
export const L3HostShape = strict("an L3 host", {
  networks: v.array(v.custom<object>((x) => typeof x === "object" && x !== null, expected("a network (net.ipvlan(…) or its spec())")), expected("a list of networks")),
  address: addresses("an address"),
  dev: str("a device name"),
  netns: v.nullable(str("a namespace name")),
  connected: v.optional(cidrList("CIDR")),
});

function nameIssue(name: unknown, path: string, what: string, role: "lab" | "namespace" | "interface"): Issue[] {
  const p = nameProblem(name, role);
  return p === null ? [] : [{ path, message: `${what} ${p}` }];
}

/**
 * Parses next-hop addresses (one or a list; at most one per family), canonical.
 *
 * @example
 * ```ts
 * checkVias(["192.168.1.250", "2001:DB8::1"], "via", issues); // [{ family: 4, text: "192.168.1.250" }, { family: 6, text: "2001:db8::1" }]
 * ```
 */
export function checkVias(via: string | readonly string[], path: string, issues: Issue[]): ParsedIp[] {
  const out: ParsedIp[] = [];
  for (const text of typeof via === "string" ? [via] : via) {
    const ip = parseIp(text);
    if (ip === null) {
      issues.push({ path, message: badIpMessage("a next hop", text) });
    } else if (out.some((o) => o.family === ip.family)) {
      issues.push({ path, message: `two ${familyName(ip.family)} next hops given (${out.find((o) => o.family === ip.family)?.text}, ${ip.text}) — give one per family` });
    } else {
      out.push(ip);
    }
  }
  return out;
}

/**
 * Parses a list of CIDRs (host bits allowed, as on an interface: `192.168.1.250/24`).
 *
 * @example
 * ```ts
 * checkCidrs(["192.168.1.250/24"], "peerConnected", issues); // [{ text: "192.168.1.0/24", … }]
 * ```
 */
export function checkCidrs(list: readonly string[] | undefined, path: string, issues: Issue[]): ParsedCidr[] {
  const out: ParsedCidr[] = [];
  (list ?? []).forEach((text, i) => {
    const c = parseCidr(text);
    if (c === null) issues.push({ path: `${path}[${i}]`, message: badCidrMessage("a subnet", text) });
    else out.push(c);
  });
  return out;
}

/**
 * The subnets of an L3 network, as route destinations: each must be a CIDR without host bits.
 *
 * @example
 * ```ts
 * networkSubnets(spec, issues); // [{ text: "192.168.214.0/24", … }]
 * ```
 */
export function networkSubnets(n: NetworkSpec, issues: Issue[]): ParsedCidr[] {
  const base = `networks.${n.name}`;
  const shape = parseIssues(NetworkShape, n, base);
  if (shape.length > 0) {
    issues.push(...shape);
    return [];
  }
  const out: ParsedCidr[] = [];
  n.subnets.forEach((s, i) => {
    const c = parseCidr(s.cidr);
    const path = `${base}.subnets[${i}].cidr`;
    if (c === null) issues.push({ path, message: badCidrMessage("a subnet", s.cidr) });
    else if (c.hostBitsSet) issues.push({ path, message: `${s.cidr} has host bits set — did you mean ${c.text}?` });
    else out.push(c);
  });
  return out;
}

/**
 * Checks and canonicalises the routes of a route set; every problem at once. A destination is a
 * CIDR (a bare address means /32 or /128) written as its network address; `via` an address of
 * the destination's family; `dev` a device name (required: the route set applies and verifies
 * it). Two routes to the same destination would replace each other.
 *
 * @example
 * ```ts
 * checkRoutes([{ dst: "10.1.0.0/16", via: "192.168.1.250", dev: "eth0" }], issues); // canonical routes
 * ```
 */
export function checkRoutes(routes: unknown, issues: Issue[]): { dst: string; via: string; dev: string }[] {
  if (!Array.isArray(routes)) {
    issues.push({ path: "routes", message: `expected a list of routes but received ${describeValue(routes)}` });
    return [];
  }
  const out: { dst: string; via: string; dev: string }[] = [];
  const seen = new Map<string, number>();
  (routes as unknown[]).forEach((r, i) => {
    const at = `routes[${i}]`;
    const problems = parseIssues(RouteShape, r, at);
    if (problems.length > 0) return void issues.push(...problems);
    const { dst, via, dev } = r as { dst: string; via: string; dev?: string };
    const bare = parseIp(dst);
    const c = bare === null ? parseCidr(dst) : parseCidr(`${bare.text}/${bare.family === 4 ? 32 : 128}`);
    const hop = parseIp(via);
    if (c === null) problems.push({ path: `${at}.dst`, message: badCidrMessage("a destination", dst) });
    else if (c.hostBitsSet) problems.push({ path: `${at}.dst`, message: `${dst} has host bits set — did you mean ${c.text}?` });
    if (hop === null) problems.push({ path: `${at}.via`, message: badIpMessage("a next hop", via) });
    else if (c !== null && hop.family !== c.family) {
      problems.push({ path: `${at}.via`, message: `next hop ${hop.text} is ${familyName(hop.family)} but destination ${c.text} is ${familyName(c.family)} — give a next hop of the destination's family` });
    }
    if (dev === undefined) problems.push({ path: `${at}.dev`, message: `route to ${dst} has no dev — pass { dev } so the route can be applied and verified` });
    else problems.push(...nameIssue(dev, `${at}.dev`, "dev", "interface"));
    issues.push(...problems);
    if (problems.length > 0 || c === null || hop === null || dev === undefined) return;
    const other = seen.get(c.text);
    if (other !== undefined) return void issues.push({ path: `${at}.dst`, message: `routes[${other}] already goes to ${c.text}; a second route would replace it — give one route per destination` });
    seen.set(c.text, i);
    out.push({ dst: c.text, via: hop.text, dev });
  });
  return out;
}

/**
 * The name and namespace of a route set: its name names its journal and lock files (the lab
 * grammar), its namespace is `null` or a namespace name.
 *
 * @example
 * ```ts
 * routeSetNameIssues("../../x", null); // [{ path: "name", message: "route set name must use only …" }]
 * ```
 */
export function routeSetNameIssues(name: unknown, netns: unknown): Issue[] {
  return [...nameIssue(name, "name", "route set name", "lab"), ...(netns === null ? [] : nameIssue(netns, "netns", "namespace", "namespace"))];
}
