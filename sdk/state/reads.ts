/**
 * What must be observed to check a list of facts: which namespaces, which sysctl keys in each,
 * which files. Shaped to pass straight to `observe()`.
 * @module
 */
import type { Fact } from "../plan/types.ts";

/** The reads a set of facts needs. */
export interface Reads {
  /** Namespaces to read (`null` = the executor's own), in first-mention order. */
  readonly namespaces: readonly (string | null)[];
  /** Sysctl keys per namespace. */
  readonly sysctl: ReadonlyMap<string | null, readonly string[]>;
  /** Files to read. */
  readonly files: readonly string[];
}

/**
 * Lists the reads that `facts` need (including the parent namespace a `link` fact names in
 * `attrs.parentNetns`).
 *
 * @example
 * ```ts
 * const r = readsFor(plan.ops.map((op) => op.fact));
 * const state = await observe(executor, r.namespaces, { sysctl: r.sysctl, files: r.files });
 * ```
 */
export function readsFor(facts: readonly Fact[]): Reads {
  const namespaces = new Set<string | null>();
  const sysctl = new Map<string | null, string[]>();
  const files = new Set<string>();
  for (const fact of facts) {
    switch (fact.type) {
      case "netns":
        break;
      case "files":
        for (const p of fact.paths) files.add(p);
        break;
      case "sysctl": {
        namespaces.add(fact.netns);
        const keys = sysctl.get(fact.netns) ?? [];
        if (!keys.includes(fact.key)) keys.push(fact.key);
        sysctl.set(fact.netns, keys);
        break;
      }
      case "link": {
        namespaces.add(fact.netns);
        const parentNetns = fact.attrs["parentNetns"];
        if (parentNetns !== undefined) namespaces.add(parentNetns === "" ? null : String(parentNetns));
        break;
      }
      default:
        namespaces.add(fact.netns);
    }
  }
  return { namespaces: [...namespaces], sysctl, files: [...files] };
}
