/**
 * What `up` removes so that the kernel matches the plan exactly: objects that belong to the lab
 * but that the plan does not have — links carrying its mark, and links, addresses and routes
 * inside its endpoint namespaces (made by hand, or left by another version of the lab) — the same
 * ones `verify` reports as extra. Never in a namespace the lab does not own (apart from links that
 * carry its mark), never what the kernel makes by itself (`lo`, link-local addresses, connected
 * routes), and never a veth whose other end is outside the lab (deleting it would destroy that
 * end too: refused instead).
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Fact, PlanData, Undo } from "../plan/types.ts";
import { extras, type Extra } from "../state/diff.ts";
import type { LiveState } from "../state/types.ts";
import { endpointNamespaces } from "./context.ts";
import type { Convergence } from "./converge.ts";
import type { Ownership } from "./journal.ts";
import { createdNamespace } from "./owned-step.ts";

/** An extra object and the step that removes it. */
export interface ExtraRemoval {
  /** What it is, for progress and errors (`address 10.0.0.99/24 on eth0 in demo-web`). */
  readonly what: string;
  /** The step that removes it. */
  readonly undo: Undo;
}

/**
 * Describes an extra object.
 *
 * @example
 * ```ts
 * describeExtra({ type: "addr", netns: "demo-web", dev: "eth0", cidr: "10.0.0.99/24" }); // "address 10.0.0.99/24 on eth0 in demo-web"
 * ```
 */
export function describeExtra(x: Extra): string {
  const where = x.netns === null ? "" : ` in ${x.netns}`;
  if (x.type === "link") return `link ${x.name}${where}`;
  if (x.type === "addr") return `address ${x.cidr} on ${x.dev}${where}`;
  return `route ${x.dst}${x.via === undefined ? "" : ` via ${x.via}`}${x.dev === undefined ? "" : ` dev ${x.dev}`}${where}`;
}

/**
 * The removals that make the observed namespaces match the plan: routes first, then addresses,
 * then links (deleting a link takes its addresses and routes along; "already gone" is fine).
 * `namespaces` are the lab's endpoint namespaces that were read and are kept.
 *
 * @example
 * ```ts
 * const removals = extraRemovals(plan, facts, state, ["demo-web", "demo-db"]);
 * ```
 */
export function extraRemovals(plan: PlanData, facts: readonly Fact[], state: LiveState, namespaces: readonly string[]): ExtraRemoval[] {
  const found = extras(state, facts, { mark: plan.mark, namespaces });
  const veths = found.flatMap((x) => {
    if (x.type !== "link") return [];
    const l = state.namespaces.get(x.netns)?.links.find((k) => k.name === x.name);
    return l?.kind === "veth" && l.parentNetnsId !== undefined ? [x] : [];
  });
  if (veths.length > 0) {
    throw new UnderlayError(
      "PREFLIGHT",
      `preflight failed for lab ${plan.lab} — nothing was changed: ${veths.map((x) => `veth ${x.name}${x.netns === null ? "" : ` in ${x.netns}`}`).join(", ")} is not in the plan, and its other end lives outside the lab: removing it would destroy that end too — move or delete it yourself`,
      { details: { veths } },
    );
  }
  const order = { route: 0, addr: 1, link: 2 } as const;
  return found
    .filter((x) => x.type !== "route" || x.dev !== undefined)
    .sort((a, b) => order[a.type] - order[b.type])
    .map((x): ExtraRemoval => {
      const what = describeExtra(x);
      if (x.type === "link") return { what, undo: { kind: "link-del", netns: x.netns, dev: x.name } };
      if (x.type === "addr") return { what, undo: { kind: "addr-del", netns: x.netns, dev: x.dev, cidr: x.cidr } };
      return { what, undo: { kind: "route-del", netns: x.netns, family: x.family, dst: x.dst, dev: x.dev as string, via: x.via ?? null } };
    });
}

/**
 * The extras of a lab about to converge: in the endpoint namespaces that were read and are kept
 * (not replaced, not removed), minus what owned steps the plan no longer has undo anyway.
 *
 * @example
 * ```ts
 * const removals = convergeExtras(plan, state, observed, owned, conv);
 * ```
 */
export function convergeExtras(plan: PlanData, state: LiveState, observed: ReadonlySet<string | null>, owned: Ownership, conv: Convergence): ExtraRemoval[] {
  const removedNs = new Set(conv.remove.flatMap((o) => createdNamespace(o) ?? []));
  const kept = endpointNamespaces(plan, owned).filter((ns) => observed.has(ns) && state.netns.has(ns) && !removedNs.has(ns));
  const read: LiveState = { ...state, namespaces: new Map([...state.namespaces].filter(([ns]) => observed.has(ns) && (ns === null || !removedNs.has(ns)))) };
  // (What an owned step the plan no longer has made is undone by that step, not here.)
  const undoing = new Set(conv.remove.flatMap((o) => (o.undo === null ? [] : [JSON.stringify(o.undo)])));
  return extraRemovals(plan, plan.ops.map((o) => o.fact), read, kept).filter((r) => !undoing.has(JSON.stringify(r.undo)));
}
