/**
 * Reduces `ip -json -details route show table all root <family-wide prefix>` to the
 * {@link RouteState}s of the main table. The family is the one the command asked for: iproute2
 * prints no family field, and a `default` destination looks the same in both.
 * @module
 */
import { canonicalDst, canonicalIp } from "../lib/canonical.ts";
import { asArray, asRecord, num, str } from "./json-read.ts";
import type { RouteState } from "./types.ts";

/**
 * Whether a raw route entry belongs to the main table (`table` absent or `main`).
 *
 * @example
 * ```ts
 * isMainTable({ dst: "default", table: "local" }); // false
 * ```
 */
export function isMainTable(route: Readonly<Record<string, unknown>>): boolean {
  const table = route["table"];
  return table === undefined || table === "main" || table === 254;
}

/**
 * Parses the routes of one family, keeping only the main table.
 *
 * @example
 * ```ts
 * parseRoutes(JSON.parse('[{"dst":"default","gateway":"10.0.0.1","dev":"eth0","flags":[]}]'), 4);
 * // [{ family: 4, dst: "default", dev: "eth0", via: "10.0.0.1" }]
 * ```
 */
export function parseRoutes(json: unknown, family: 4 | 6): RouteState[] {
  const routes: RouteState[] = [];
  for (const entry of asArray(json, `ip -${family} route show`)) {
    const r = asRecord(entry, "route entry");
    if (!isMainTable(r)) continue;
    const dstText = str(r, "dst");
    const dst = dstText === undefined ? null : canonicalDst(dstText);
    if (dst === null) continue;
    const route: { -readonly [K in keyof RouteState]: RouteState[K] } = { family, dst };
    const dev = str(r, "dev");
    if (dev !== undefined) route.dev = dev;
    const via = nextHop(r);
    if (via !== undefined) route.via = via;
    const scope = str(r, "scope");
    if (scope !== undefined) route.scope = scope;
    const proto = str(r, "protocol");
    if (proto !== undefined) route.proto = proto;
    const type = str(r, "type");
    if (type !== undefined && type !== "unicast") route.type = type;
    const metric = num(r, "metric");
    if (metric !== undefined) route.metric = metric;
    routes.push(route);
  }
  return routes;
}

function nextHop(r: Readonly<Record<string, unknown>>): string | undefined {
  const gateway = str(r, "gateway");
  if (gateway !== undefined) return canonicalIp(gateway) ?? gateway;
  const via = r["via"];
  if (typeof via === "object" && via !== null && !Array.isArray(via)) {
    const host = str(via as Readonly<Record<string, unknown>>, "host");
    if (host !== undefined) return canonicalIp(host) ?? host;
  }
  return undefined;
}
