/**
 * Endpoint lookup: a plan's endpoints as tests use them — by name, with addresses without
 * prefix length, per family. Pure.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { EndpointInfo } from "../plan/types.ts";
import type { LiveEndpoint, LiveInterface } from "./types.ts";

function toLive(e: EndpointInfo): LiveEndpoint {
  const interfaces: LiveInterface[] = e.interfaces.map((i) => {
    const bare = i.addresses.map((a) => a.slice(0, a.indexOf("/") === -1 ? undefined : a.indexOf("/")));
    return Object.freeze({
      name: i.name,
      network: i.network,
      mac: i.mac,
      ipv4: Object.freeze(bare.filter((a) => !a.includes(":"))),
      ipv6: Object.freeze(bare.filter((a) => a.includes(":"))),
      cidrs: i.addresses,
    });
  });
  return Object.freeze({
    name: e.name,
    netns: e.netns,
    interfaces: Object.freeze(interfaces),
    ipv4: Object.freeze(interfaces.flatMap((i) => i.ipv4)),
    ipv6: Object.freeze(interfaces.flatMap((i) => i.ipv6)),
  });
}

/**
 * A lookup of a lab's endpoints by name. An unknown name is a `USAGE` error that lists the
 * endpoints there are.
 *
 * @example
 * ```ts
 * const find = endpointLookup("demo", plan.endpoints);
 * find("web").ipv4[0]; // "192.168.50.10"
 * ```
 */
export function endpointLookup(lab: string, endpoints: readonly EndpointInfo[]): (name: string) => LiveEndpoint {
  const cache = new Map<string, LiveEndpoint>();
  return (name) => {
    let found = cache.get(name);
    if (found !== undefined) return found;
    const info = endpoints.find((e) => e.name === name);
    if (info === undefined) {
      const names = endpoints.map((e) => e.name);
      throw new UnderlayError("USAGE", `lab ${lab} has no endpoint ${JSON.stringify(name)} — expected one of ${names.length === 0 ? "(none)" : names.join(", ")}`);
    }
    found = toLive(info);
    cache.set(name, found);
    return found;
  };
}
