/**
 * The state module: read the live kernel back (`observe`, one process per namespace), check a
 * plan's facts against it (`holds`, `explain`, `diffFacts`), find what belongs to a lab but is not
 * in its plan (`extras`), and take full before/after snapshots (`dump`, `compareDumps`).
 *
 * @example
 * ```ts
 * import { observe, diffFacts, readsFor } from "./sdk/state/index.ts";
 * const facts = plan.ops.map((op) => op.fact);
 * const r = readsFor(facts);
 * const state = await observe(localExecutor(), r.namespaces, { sysctl: r.sysctl, files: r.files });
 * const { missing, different, ok } = diffFacts(facts, state);
 * ```
 * @module
 */
export type { AddrState, LinkState, LiveState, NamespaceState, RawNamespace, RouteState } from "./types.ts";
export { observe, listNamespaces, DEFAULT_CONCURRENCY, type ObserveOptions } from "./observe.ts";
export { checkFact, holds, explain, type FactCheck } from "./facts.ts";
export { LINK_ATTRS, type LinkAttrKey } from "./link-attrs.ts";
export { diffFacts, extras, type Extra, type ExtrasOptions, type FactDiff } from "./diff.ts";
export { readsFor, type Reads } from "./reads.ts";
export {
  dump,
  dumpNamespace,
  compareDumps,
  IGNORED_FIELDS,
  type DumpComparison,
  type DumpObject,
  type DumpOptions,
  type IgnoredField,
  type NamespaceDump,
  type StateDump,
} from "./dump.ts";
export { canonicalCidr, canonicalDst, canonicalIp, ipFamily, sysctlKey } from "../lib/canonical.ts";
export { namespaceCommand, parseNamespace, STATE_BATCH } from "./read-namespace.ts";
export { parseLinks } from "./parse-links.ts";
export { parseAddrs } from "./parse-addrs.ts";
export { parseRoutes } from "./parse-routes.ts";
export { parseSysctl } from "./parse-sysctl.ts";
export { splitJsonValues } from "./json-values.ts";
export { readFiles } from "./read-files.ts";
