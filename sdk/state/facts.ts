/**
 * Whether a plan's {@link Fact} holds in a {@link LiveState}, and if not, why — in words a
 * reader can act on: `missing: address 10.0.0.2/24 on eth0 in namespace demo-web`, or
 * `link eth0 in namespace demo-web: mtu is 1400, plan says 1500`. A `files` fact holds when every
 * path has exactly the content. Addresses and routes are
 * compared in canonical form (IPv6 compressed and lowercase, `default` = `0.0.0.0/0` = `::/0`).
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Fact } from "../plan/types.ts";
import { canonicalCidr, canonicalDst, canonicalIp, sysctlKey } from "../lib/canonical.ts";
import { linkAttrDifferences } from "./link-attrs.ts";
import { namespaceLabel } from "./read-namespace.ts";
import type { LinkState, LiveState, NamespaceState } from "./types.ts";

/** The outcome of checking one fact: it holds, its object is missing, or it exists but differs. */
export type FactCheck =
  | { readonly status: "ok" }
  | { readonly status: "missing"; readonly reason: string }
  | { readonly status: "different"; readonly reason: string };

const OK: FactCheck = { status: "ok" };

/**
 * Checks one fact. Throws a `USAGE` error when the state cannot answer (a namespace or file that
 * was not observed) — see `readsFor()` for what to observe.
 *
 * @example
 * ```ts
 * checkFact({ type: "link-up", netns: "demo-web", name: "eth0" }, state);
 * // { status: "different", reason: "link eth0 in namespace demo-web is down, plan says up" }
 * ```
 */
export function checkFact(fact: Fact, state: LiveState): FactCheck {
  switch (fact.type) {
    case "netns":
      return state.netns.has(fact.name) ? OK : missing(`namespace ${fact.name} does not exist`);
    case "files":
      return checkFiles(fact.paths, fact.content, state);
    case "sysctl": {
      const ns = namespace(state, fact.netns);
      if (!ns.exists) return missing(`${namespaceLabel(fact.netns)} does not exist`);
      const key = sysctlKey(fact.key);
      const actual = ns.sysctl[key];
      if (actual === undefined) return missing(`sysctl ${key} in ${namespaceLabel(fact.netns)} was not read or does not exist`);
      const norm = (v: string): string => v.trim().split(/\s+/).join(" ");
      return norm(actual) === norm(fact.value) ? OK : different(`sysctl ${key} in ${namespaceLabel(fact.netns)} is ${actual}, plan says ${fact.value}`);
    }
    default:
      return checkInNamespace(fact, state);
  }
}

/**
 * Whether the fact holds in the live state.
 *
 * @example
 * ```ts
 * holds({ type: "addr", netns: "demo-web", dev: "eth0", cidr: "10.0.0.2/24" }, state); // true
 * ```
 */
export function holds(fact: Fact, state: LiveState): boolean {
  return checkFact(fact, state).status === "ok";
}

/**
 * Why the fact does not hold, or `null` when it does.
 *
 * @example
 * ```ts
 * explain({ type: "addr", netns: "demo-web", dev: "eth0", cidr: "10.0.0.2/24" }, state);
 * // "missing: address 10.0.0.2/24 on eth0 in namespace demo-web"
 * ```
 */
export function explain(fact: Fact, state: LiveState): string | null {
  const check = checkFact(fact, state);
  return check.status === "ok" ? null : check.reason;
}

type NamespacedFact = Extract<Fact, { type: "link" | "link-up" | "alias" | "addr" | "route" }>;

function checkInNamespace(fact: NamespacedFact, state: LiveState): FactCheck {
  const where = namespaceLabel(fact.netns);
  const ns = namespace(state, fact.netns);
  if (!ns.exists) return missing(`${where} does not exist`);
  const dev = fact.type === "addr" || fact.type === "route" ? fact.dev : fact.name;
  const link = ns.links.find((l) => l.name === dev);
  switch (fact.type) {
    case "link": {
      if (link === undefined) return missing(`link ${fact.name} in ${where}`);
      const problems: string[] = [];
      if (link.kind !== fact.kind) problems.push(`kind is ${link.kind ?? "none (a plain device)"}, plan says ${fact.kind}`);
      problems.push(...linkAttrDifferences(link, fact.netns, fact.attrs, state));
      return problems.length === 0 ? OK : different(`link ${fact.name} in ${where}: ${problems.join("; ")}`);
    }
    case "link-up":
      if (link === undefined) return missing(`link ${fact.name} in ${where}`);
      return link.up ? OK : different(`link ${fact.name} in ${where} is down, plan says up`);
    case "alias":
      if (link === undefined) return missing(`link ${fact.name} in ${where}`);
      if (link.alias === fact.alias) return OK;
      return different(
        `link ${fact.name} in ${where} ${link.alias === undefined ? "has no alias" : `has alias ${JSON.stringify(link.alias)}`}, plan says ${JSON.stringify(fact.alias)}`,
      );
    case "addr":
      return checkAddr(fact.dev, fact.cidr, link, ns, where);
    case "route":
      return checkRoute(fact, ns, where);
  }
}

function checkAddr(dev: string, cidr: string, link: LinkState | undefined, ns: NamespaceState, where: string): FactCheck {
  const want = canonicalCidr(cidr);
  if (want === null) throw new UnderlayError("USAGE", `addr fact: ${JSON.stringify(cidr)} is not an address in CIDR form like 10.0.0.2/24`);
  if (link === undefined) return missing(`address ${want} on ${dev} in ${where} (link ${dev} does not exist)`);
  const exact = ns.addrs.find((a) => a.dev === dev && a.cidr === want);
  if (exact !== undefined) {
    return exact.flags?.includes("dadfailed") ? different(`address ${want} on ${dev} in ${where} failed duplicate address detection (dadfailed)`) : OK;
  }
  const ip = want.slice(0, want.indexOf("/"));
  const sameIp = ns.addrs.filter((a) => a.cidr.slice(0, a.cidr.indexOf("/")) === ip);
  const onDev = sameIp.find((a) => a.dev === dev);
  if (onDev !== undefined) {
    return different(`address ${ip} on ${dev} in ${where} has prefix /${onDev.cidr.split("/")[1]}, plan says ${want}`);
  }
  const elsewhere = sameIp[0];
  if (elsewhere !== undefined) return different(`address ${want} in ${where} is on ${elsewhere.dev}, plan says ${dev}`);
  return missing(`address ${want} on ${dev} in ${where}`);
}

function checkRoute(fact: Extract<Fact, { type: "route" }>, ns: NamespaceState, where: string): FactCheck {
  const dst = canonicalDst(fact.dst);
  if (dst === null) throw new UnderlayError("USAGE", `route fact: destination ${JSON.stringify(fact.dst)} is not "default" or a CIDR`);
  const via = fact.via === undefined ? undefined : canonicalIp(fact.via);
  if (via === null) throw new UnderlayError("USAGE", `route fact: next hop ${JSON.stringify(fact.via)} is not an IP address`);
  const candidates = ns.routes.filter((r) => r.family === fact.family && r.dst === dst);
  if (candidates.some((r) => r.dev === fact.dev && r.via === via)) return OK;
  const show = (d: string | undefined, v: string | undefined): string => `${v === undefined ? "" : `via ${v} `}dev ${d ?? "(none)"}`;
  const first = candidates[0];
  if (first === undefined) return missing(`IPv${fact.family} route ${dst} ${show(fact.dev, via)} in ${where}`);
  return different(`IPv${fact.family} route ${dst} in ${where} goes ${show(first.dev, first.via)}, plan says ${show(fact.dev, via)}`);
}

function checkFiles(paths: readonly string[], content: string, state: LiveState): FactCheck {
  const absent: string[] = [];
  const differing: string[] = [];
  for (const path of paths) {
    const actual = state.files.get(path);
    if (actual === undefined) throw new UnderlayError("USAGE", `file ${path} was not read — pass it to observe(…, { files: [${JSON.stringify(path)}] })`);
    if (actual === null) absent.push(path);
    else if (actual !== content) differing.push(fileDifference(path, actual, content));
  }
  if (absent.length > 0) return missing(`file${absent.length === 1 ? "" : "s"} ${list(absent)} ${absent.length === 1 ? "does" : "do"} not exist`);
  if (differing.length > 0) return different(differing.length === 1 ? (differing[0] as string) : `${differing.length} files differ from the plan; first: ${differing[0]}`);
  return OK;
}

function fileDifference(path: string, actual: string, content: string): string {
  const a = actual.split("\n");
  const b = content.split("\n");
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return `file ${path} differs from the plan at line ${line + 1}: it has ${JSON.stringify(a[line] ?? "(end of file)")}, plan says ${JSON.stringify(b[line] ?? "(end of file)")}`;
}

function list(items: readonly string[]): string {
  return items.length <= 3 ? items.join(", ") : `${items.slice(0, 3).join(", ")} and ${items.length - 3} more`;
}

function namespace(state: LiveState, netns: string | null): NamespaceState {
  const ns = state.namespaces.get(netns);
  if (ns !== undefined) return ns;
  if (netns !== null && !state.netns.has(netns)) return { name: netns, exists: false, links: [], addrs: [], routes: [], sysctl: {} };
  throw new UnderlayError("USAGE", `${namespaceLabel(netns)} was not observed — pass it to observe() (readsFor(facts) lists what a plan needs)`);
}

function missing(what: string): FactCheck {
  return { status: "missing", reason: `missing: ${what}` };
}

function different(reason: string): FactCheck {
  return { status: "different", reason };
}
