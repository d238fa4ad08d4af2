/**
 * Readable assertions over plans: the argv lines of a plan (optionally of one kind or namespace),
 * and the addresses/routes of an endpoint, so tests read like the reference documents.
 */
import { iproute2, type Plan } from "../../sdk/index.ts";

/** Every op as `<netns|-> <argv…>` lines, optionally filtered by kind. */
export function argvLines(plan: Plan, kind?: string): string[] {
  return plan.ops.filter((o) => kind === undefined || o.kind === kind).map((o) => `${o.netns ?? "-"} ${iproute2(o).argv.join(" ")}`);
}

/** The interface `ifname` of endpoint `name`. */
export function iface(plan: Plan, name: string, ifname = "eth0") {
  const ep = plan.endpoints.find((e) => e.name === name);
  if (ep === undefined) throw new Error(`no endpoint ${name}`);
  const i = ep.interfaces.find((x) => x.name === ifname);
  if (i === undefined) throw new Error(`no ${ifname} on ${name}`);
  return i;
}

/** Routes of an endpoint interface as `dst [via X] dev Y` strings. */
export function routes(plan: Plan, name: string, ifname = "eth0"): string[] {
  return iface(plan, name, ifname).routes.map((r) => `${r.dst}${r.via === undefined ? "" : ` via ${r.via}`} dev ${r.dev}`);
}

/** Position of the first op whose id starts with `prefix`. */
export function indexOfOp(plan: Plan, prefix: string): number {
  return plan.ops.findIndex((o) => o.id.startsWith(prefix));
}
