/**
 * Address and route steps.
 * @module
 */
import { flat } from "../../spec/flat.ts";
import type { Fact } from "../types.ts";
import type { AddrAdd, Netns, RouteAdd, RouteFields } from "./types.ts";

/**
 * Adds an address; IPv6 addresses go without duplicate address detection (`nodad`).
 *
 * @example
 * ```ts
 * addrAdd("demo-web", "eth0", "192.168.50.10/24", PHASE.endpoint, "demo-web").undo; // { kind: "addr-del", … }
 * ```
 */
export function addrAdd(netns: Netns, dev: string, cidr: string, phase: number, scope: Netns): AddrAdd {
  return {
    kind: "addr-add",
    id: flat(`addr:${netns ?? "-"}:${dev}:${cidr}`),
    phase,
    netns,
    dev,
    cidr,
    ensure: false,
    scope,
    fact: { type: "addr", netns, dev, cidr },
    summary: flat(`add ${cidr} to ${dev}${netns === null ? "" : ` in ${netns}`}`),
    undo: { kind: "addr-del", netns, dev, cidr },
  };
}

/**
 * Adds a route (`default via <gw>`, `default dev <dev>`, or `<dst> dev <dev> [via <gw>]`).
 *
 * @example
 * ```ts
 * routeAdd("demo-web", { family: 4, dst: "default", dev: "eth0", via: "192.168.50.1" }, PHASE.endpoint, "demo-web");
 * ```
 */
export function routeAdd(netns: Netns, route: RouteFields, phase: number, scope: Netns): RouteAdd {
  const { family, dst, dev, via } = route;
  const fact: Fact = via === null ? { type: "route", netns, family, dst, dev } : { type: "route", netns, family, dst, dev, via };
  return {
    kind: "route-add",
    id: flat(`route:${netns ?? "-"}:${dev}:${family}:${dst}`),
    phase,
    netns,
    family,
    dst,
    dev,
    via,
    ensure: false,
    scope,
    fact,
    summary: flat(`route ${family === 6 ? "-6 " : ""}${dst}${via === null ? "" : ` via ${via}`} dev ${dev}${netns === null ? "" : ` in ${netns}`}`),
    undo: { kind: "route-del", netns, family, dst, dev, via },
  };
}
