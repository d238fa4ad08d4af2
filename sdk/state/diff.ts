/**
 * Compares a plan's facts with the live state: which facts are missing, which exist but differ
 * ({@link diffFacts}); and which live objects belong to the lab but are not in the plan
 * ({@link extras}) — links carrying the lab's mark, and addresses, routes and links inside the
 * namespaces the lab owns, minus what the kernel makes by itself.
 * @module
 */
import type { Fact } from "../plan/types.ts";
import { canonicalCidr, canonicalDst, canonicalIp } from "../lib/canonical.ts";
import { checkFact } from "./facts.ts";
import type { LiveState } from "./types.ts";

/** The result of {@link diffFacts}. */
export interface FactDiff {
  /** Facts whose object does not exist. */
  readonly missing: Fact[];
  /** Facts whose object exists with other attributes, and why. */
  readonly different: { readonly fact: Fact; readonly reason: string }[];
  /** Number of facts that hold. */
  readonly ok: number;
}

/**
 * Sorts facts into missing, different and holding.
 *
 * @example
 * ```ts
 * const d = diffFacts(plan.ops.map((op) => op.fact), state);
 * if (d.missing.length + d.different.length > 0) console.log(d.different.map((x) => x.reason));
 * ```
 */
export function diffFacts(facts: readonly Fact[], state: LiveState): FactDiff {
  const missing: Fact[] = [];
  const different: { fact: Fact; reason: string }[] = [];
  let ok = 0;
  for (const fact of facts) {
    const check = checkFact(fact, state);
    if (check.status === "ok") ok++;
    else if (check.status === "missing") missing.push(fact);
    else different.push({ fact, reason: check.reason });
  }
  return { missing, different, ok };
}

/** A live object that belongs to the lab but that the plan does not expect. */
export type Extra =
  | {
      readonly type: "link";
      readonly netns: string | null;
      readonly name: string;
      readonly kind: string | null;
      /** `mark`: it carries the lab's alias; `namespace`: it sits in a namespace the lab owns. */
      readonly why: "mark" | "namespace";
    }
  | Extract<Fact, { readonly type: "addr" }>
  | {
      readonly type: "route";
      readonly netns: string | null;
      readonly family: 4 | 6;
      readonly dst: string;
      readonly dev?: string;
      readonly via?: string;
    };

/** Options of {@link extras}. */
export interface ExtrasOptions {
  /** The lab's ownership mark (the ifalias set on every link it creates). */
  readonly mark: string;
  /** Namespaces the lab owns: everything in them that the plan does not list is extra. */
  readonly namespaces: readonly string[];
}

/**
 * Finds live objects the plan does not expect but that belong to the lab: links whose alias is
 * the mark (in any observed namespace), and links, addresses and main-table routes inside owned
 * namespaces. Ignored as kernel-made: `lo` and its loopback addresses, IPv6 link-local
 * (`fe80::/64`) addresses, and `proto kernel` routes (connected prefixes, `fe80::/64`).
 *
 * @example
 * ```ts
 * extras(state, facts, { mark: "underlay:demo", namespaces: ["demo-web", "demo-db"] });
 * // [{ type: "addr", netns: "demo-web", dev: "eth0", cidr: "10.0.0.99/24" }]
 * ```
 */
export function extras(state: LiveState, expected: readonly Fact[], options: ExtrasOptions): Extra[] {
  const key = (netns: string | null, ...parts: (string | number | undefined)[]): string => JSON.stringify([netns, ...parts]);
  const links = new Set<string>();
  const addrs = new Set<string>();
  const routes = new Set<string>();
  for (const f of expected) {
    if (f.type === "link" || f.type === "link-up" || f.type === "alias") links.add(key(f.netns, f.name));
    else if (f.type === "addr") addrs.add(key(f.netns, f.dev, canonicalCidr(f.cidr) ?? f.cidr));
    else if (f.type === "route") {
      const via = f.via === undefined ? undefined : (canonicalIp(f.via) ?? f.via);
      routes.add(key(f.netns, f.family, canonicalDst(f.dst) ?? f.dst, f.dev, via));
    }
  }
  const owned = new Set<string | null>(options.namespaces);
  const found: Extra[] = [];
  for (const [netns, ns] of state.namespaces) {
    if (!ns.exists) continue;
    const mine = owned.has(netns);
    for (const link of ns.links) {
      if (links.has(key(netns, link.name))) continue;
      if (link.alias === options.mark) found.push({ type: "link", netns, name: link.name, kind: link.kind, why: "mark" });
      else if (mine && link.name !== "lo") found.push({ type: "link", netns, name: link.name, kind: link.kind, why: "namespace" });
    }
    if (!mine) continue;
    for (const a of ns.addrs) {
      if (a.dev === "lo" && (a.cidr === "127.0.0.1/8" || a.cidr === "::1/128")) continue;
      if (a.family === 6 && a.scope === "link" && a.cidr.startsWith("fe80:")) continue;
      if (!addrs.has(key(netns, a.dev, a.cidr))) found.push({ type: "addr", netns, dev: a.dev, cidr: a.cidr });
    }
    for (const r of ns.routes) {
      if (r.proto === "kernel") continue;
      if (routes.has(key(netns, r.family, r.dst, r.dev, r.via))) continue;
      const extra: { -readonly [K in keyof Extract<Extra, { type: "route" }>]: Extract<Extra, { type: "route" }>[K] } = {
        type: "route",
        netns,
        family: r.family,
        dst: r.dst,
      };
      if (r.dev !== undefined) extra.dev = r.dev;
      if (r.via !== undefined) extra.via = r.via;
      found.push(extra);
    }
  }
  return found;
}
