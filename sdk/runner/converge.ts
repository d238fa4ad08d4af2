/**
 * The diff that turns a plan into the steps still needed, given the live state and what the lab
 * already owns: ops whose fact holds are in place; ensure ops that find their object are left
 * alone (not ours); owned ops that the plan no longer has are removed; an endpoint whose link
 * differs from the plan is replaced as a whole (its namespace is the unit of change).
 * @module
 */
import { createHash } from "node:crypto";
import type { Op, PlanData } from "../plan/types.ts";
import { pendingLinkName } from "../spec/names.ts";
import { holds } from "../state/facts.ts";
import type { LiveState } from "../state/types.ts";
import { stepSignature, type Undoable } from "./owned-step.ts";
import type { Ownership } from "./journal.ts";

/** What has to happen to make the kernel match the plan. */
export interface Convergence {
  /** Ops to run, in plan order. */
  readonly run: readonly Op[];
  /** Ops whose fact already holds (and that the lab owns or that need no ownership). */
  readonly inPlace: readonly Op[];
  /** Ensure ops whose object existed before underlay (never touched, never deleted). */
  readonly foundInPlace: readonly Op[];
  /** Owned steps to undo first: gone from the plan, or replaced. */
  readonly remove: readonly Undoable[];
  /** Ops that will be owned after a successful apply (owned before and kept, plus those run). */
  readonly owned: readonly Op[];
  /** Endpoint namespaces replaced as a whole (a link inside differs from the plan). */
  readonly replace: readonly string[];
}

/**
 * A stable hash of a plan's ops, recorded in the journal (which plan a run applied): of every
 * step's id, phase and signature. The signatures are the ones compaction writes, computed once
 * per op, so hashing the plan costs next to nothing more — where hashing the ops' whole JSON
 * cost 2–4 ms at 100 endpoints and 10–35 ms at 500.
 *
 * @example
 * ```ts
 * planHash(plan.toJSON()); // "3f1c0a9e5b7d2c44"
 * ```
 */
export function planHash(plan: PlanData): string {
  return createHash("sha256")
    .update(plan.ops.map((o) => `${o.id}\t${o.phase}\t${stepSignature(o)}`).join("\n"))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Whether `name` is listed as a namespace but reads as absent: a mount-point file that an
 * interrupted `netns add` left without its bind mount (or a namespace deleted mid-read).
 *
 * @example
 * ```ts
 * listedButAbsent(state, "demo-web"); // true after a kill between the file and the mount
 * ```
 */
export function listedButAbsent(state: LiveState, name: string): boolean {
  return state.netns.has(name) && state.namespaces.get(name)?.exists === false;
}

function linkExists(state: LiveState, netns: string | null, name: string): boolean {
  return state.namespaces.get(netns)?.links.some((l) => l.name === name) ?? false;
}

/**
 * Computes the convergence. `observed` lists the namespaces whose content was read; facts in
 * other existing namespaces are trusted to hold (the fast path after a completed run).
 */
export function converge(
  plan: PlanData,
  state: LiveState,
  owned: Ownership,
  observed: ReadonlySet<string | null>,
  options: { readonly trustFiles?: boolean } = {},
): Convergence {
  const ownedById = new Map(owned.ops.map((e) => [e.op.id, e.op]));
  const planIds = new Set(plan.ops.map((o) => o.id));
  const remove: Undoable[] = owned.ops.filter((e) => !planIds.has(e.op.id)).map((e) => e.op);

  // Endpoint namespaces to replace: an owned link inside exists but differs from the plan.
  const replace = new Set<string>();
  for (const op of plan.ops) {
    if (op.kind !== "link-add" || op.fact.type !== "link" || op.scope === null) continue;
    if (!observed.has(op.scope) || !state.netns.has(op.scope)) continue;
    if (linkExists(state, op.fact.netns, op.fact.name) && !holds(op.fact, state)) replace.add(op.scope);
    // A link still under its temporary name (see linkSteps: the run that made it died before the
    // rename) would make creating it again fail with "File exists": replace that namespace too.
    else if (linkExists(state, op.fact.netns, pendingLinkName(op.scope, op.fact.name))) replace.add(op.scope);
  }
  // A namespace the lab set out to create whose name is a file but not a namespace — its
  // `netns add` was interrupted before the bind mount: listed, yet reading it finds nothing — is
  // removed and made again (creating it over the file would fail with "File exists").
  for (const op of plan.ops) {
    if (op.kind === "netns-add" && ownedById.has(op.id) && observed.has(op.name) && listedButAbsent(state, op.name)) replace.add(op.name);
  }
  for (const ns of replace) {
    const nsOp = ownedById.get(`netns:${ns}`) ?? plan.ops.find((o) => o.id === `netns:${ns}`);
    if (nsOp !== undefined && !remove.includes(nsOp)) remove.push(nsOp);
  }

  // Deleting an address makes the kernel drop routes that depended on it: re-establish the
  // routes of every device that loses an address (route steps use `replace`, so this is safe).
  const touched = new Set(remove.flatMap((o) => (o.kind === "addr-add" ? [`${o.netns}\u0000${o.dev}`] : [])));
  const routeTouched = (op: Op): boolean => op.fact.type === "route" && touched.has(`${op.fact.netns}\u0000${op.fact.dev}`);

  const run: Op[] = [];
  const inPlace: Op[] = [];
  const foundInPlace: Op[] = [];
  const notOurs = new Set<string>();
  for (const op of plan.ops) {
    if (op.dependsOn !== undefined && notOurs.has(op.dependsOn)) {
      foundInPlace.push(op);
      continue;
    }
    const inReplaced = (op.scope !== null && replace.has(op.scope)) || (op.kind === "netns-add" && replace.has(op.name));
    if (inReplaced || routeTouched(op)) {
      run.push(op);
      continue;
    }
    const where = op.fact.type === "netns" || op.fact.type === "files" ? null : op.fact.netns;
    const trusted = (op.fact.type === "files" && options.trustFiles === true) || (where !== null && !observed.has(where) && state.netns.has(where));
    const unread = op.fact.type === "files" && op.fact.paths.some((p) => !state.files.has(p));
    const ok = trusted || (!unread && holds(op.fact, state));
    if (!ok) {
      run.push(op);
    } else if (op.ensure && !ownedById.has(op.id)) {
      foundInPlace.push(op);
      notOurs.add(op.id);
    } else {
      inPlace.push(op);
    }
  }
  const runIds = new Set(run.map((o) => o.id));
  const kept = plan.ops.filter((o) => !runIds.has(o.id) && (ownedById.has(o.id) || (inPlace.includes(o) && !o.ensure)));
  return { run, inPlace, foundInPlace, remove, owned: [...kept, ...run], replace: [...replace] };
}
