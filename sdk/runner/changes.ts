/**
 * What `up` would change, computed from the live kernel and the lab's journal without changing
 * anything: steps to run (new, or in an endpoint namespace replaced as a whole), owned steps to
 * undo because the plan no longer has them, objects to remove that the lab has and the plan does
 * not, and what is already in place — typed, for `underlay plan` and for any caller.
 * @module
 */
import type { Executor } from "../executor/types.ts";
import type { Plan } from "../plan/plan.ts";
import type { Op } from "../plan/types.ts";
import { capabilities } from "./capabilities.ts";
import { defaultExecutor, defaultStateDir, planFor, type Plannable } from "./context.ts";
import { converge } from "./converge.ts";
import { convergeExtras } from "./extras.ts";
import { readOwnership } from "./journal.ts";
import type { Undoable } from "./owned-step.ts";
import { look } from "./look.ts";
import { preflight } from "./preflight.ts";

/** What `up` would do. */
export interface Changes {
  /** The plan as `up` compiles it on this machine. */
  readonly plan: Plan;
  /** Steps that would run, in plan order. */
  readonly run: readonly Op[];
  /** Endpoint namespaces that would be replaced as a whole (a link inside differs from the plan). */
  readonly replace: readonly string[];
  /** Steps the lab owns that the plan no longer has: undone first. */
  readonly remove: readonly Undoable[];
  /** Objects the lab has and the plan does not (links, addresses, routes in its namespaces), removed. */
  readonly extras: readonly string[];
  /** Steps already in place. */
  readonly inPlace: readonly Op[];
  /** Objects found in place that underlay did not create (left alone, never deleted). */
  readonly foundInPlace: readonly Op[];
}

/** Options of {@link changes}. */
export interface ChangesOptions {
  /** Executor (default: the local one). */
  readonly executor?: Executor;
  /** State directory (default `$UNDERLAY_STATE_DIR` or `/run/underlay`). */
  readonly stateDir?: string;
  /** Namespaces read at once (default 2). */
  readonly concurrency?: number;
}

/**
 * Compares the lab's plan with the live kernel (every namespace read) and its journal. Throws
 * what `up` would throw before changing anything (`PREFLIGHT`, `UNSUPPORTED_KERNEL`, `INVALID_SPEC`).
 *
 * @example
 * ```ts
 * const c = await changes(demo);
 * c.run.map((o) => `+ ${o.summary}`); c.remove.map((o) => `- ${o.summary}`);
 * ```
 */
export async function changes(lab: Plannable, options: ChangesOptions = {}): Promise<Changes> {
  const executor = options.executor ?? (await defaultExecutor());
  const stateDir = options.stateDir ?? defaultStateDir();
  const concurrency = options.concurrency ?? 2;
  const plan = await planFor(lab, executor);
  const data = plan.toJSON();
  const owned = readOwnership(stateDir, lab.name);
  const { state, observed, trustFiles } = await look(executor, data, owned, true, concurrency);
  const conv = converge(data, state, owned, observed, { trustFiles });
  preflight(executor, await capabilities(executor), data, state, conv, owned);
  const extras = convergeExtras(data, state, observed, owned, conv);
  return { plan, run: conv.run, replace: conv.replace, remove: conv.remove, extras: extras.map((x) => x.what), inPlace: conv.inPlace, foundInPlace: conv.foundInPlace };
}
