/**
 * Links that deleting a lab's namespaces would destroy outside the lab: a veth whose one end
 * someone put into an endpoint (or the sandbox host) dies with it, and so does its other end,
 * which lives elsewhere. `down` finds them before it changes anything and refuses unless forced.
 * @module
 */
import type { Executor } from "../executor/types.ts";
import { observe } from "../state/observe.ts";
import type { LinkState } from "../state/types.ts";

/** A link outside the lab whose other end is inside one of its namespaces. */
export interface CrossingLink {
  /** Where it is (`null` = the caller's namespace). */
  readonly netns: string | null;
  /** Its name. */
  readonly name: string;
  /** Its kind (`veth`). */
  readonly kind: string;
  /** The lab namespace its other end is in. */
  readonly into: string;
}

/**
 * The veths in `outside` namespaces whose peer is in one of `owned`. Reads the links of each
 * outside namespace; only where a veth's peer lives in another namespace does it read them again
 * with the names of the namespaces it knows by id (rare: the usual answer costs one link dump
 * per outside namespace, however many namespaces the machine has).
 *
 * @example
 * ```ts
 * await crossingLinks(executor, ["demo-web", "demo-db"], [null]);
 * // [{ netns: null, name: "v1", kind: "veth", into: "demo-web" }]
 * ```
 */
export async function crossingLinks(executor: Executor, owned: readonly string[], outside: readonly (string | null)[]): Promise<CrossingLink[]> {
  if (owned.length === 0) return [];
  const mine = new Set(owned);
  const across = (l: LinkState): boolean => l.kind === "veth" && l.parentNetnsId !== undefined;
  const links = await observe(executor, outside.filter((ns) => ns === null || !mine.has(ns)), { linksOnly: true });
  const suspects = [...links.namespaces.values()].filter((ns) => ns.links.some(across)).map((ns) => ns.name);
  if (suspects.length === 0) return [];
  const state = await observe(executor, suspects, { peers: true, linksOnly: true, netns: links.netns });
  const found: CrossingLink[] = [];
  for (const ns of state.namespaces.values()) {
    for (const l of ns.links) {
      if (l.kind !== "veth" || l.parentNetnsId === undefined) continue;
      const into = ns.peers?.get(l.parentNetnsId);
      if (into !== undefined && mine.has(into)) found.push({ netns: ns.name, name: l.name, kind: l.kind, into });
    }
  }
  return found;
}
