/**
 * `terraform plan` for a lab: the plan's steps marked against the LIVE kernel — `+` to create,
 * `-` to remove (owned by the lab, gone from the plan), `~` to replace (an endpoint whose
 * interface differs is recreated as a whole), ` ` already in place. Computed by the library's
 * `changes()` (which reads the kernel and the lab's journal) — nothing is changed. Without root the live
 * state cannot be read: the plan is then compared with an empty machine, and says so.
 * @module
 */
import { changes, type Executor, type Plan, type Plannable } from "../../sdk/index.ts";
import { renderSteps, type TextStep } from "../../sdk/plan/render-text.ts";

/** A plan compared with the live state. */
export interface LivePlan {
  /** The plan (as `up` would apply it on this machine). */
  readonly plan: Plan;
  /** Steps to remove (first) and every plan step with its mark. */
  readonly steps: readonly TextStep[];
  /** Whether the live state was read. */
  readonly live: boolean;
  /** Why the live state was not read (or `null`). */
  readonly note: string | null;
}

/** Whether this process can read and change network namespaces. */
export function isRoot(): boolean {
  return typeof process.getuid !== "function" || process.getuid() === 0;
}

/**
 * The plan against an empty machine (every step `+`); `plan` defaults to `lab.plan()`.
 *
 * @example
 * ```ts
 * renderLivePlan(staticPlan(demo, "not root"), false);
 * ```
 */
export function staticPlan(lab: Plannable, note: string, plan: Plan = lab.plan()): LivePlan {
  return { plan, steps: plan.ops.map((o) => ({ mark: "+", id: o.id, summary: o.summary })), live: false, note };
}

/**
 * Compares the lab's plan with the live state (root needed; otherwise {@link staticPlan}): the
 * library's {@link changes}, as marked lines. Throws what `up` would throw before changing
 * anything (`PREFLIGHT`, `UNSUPPORTED_KERNEL`, `INVALID_SPEC`).
 *
 * @example
 * ```ts
 * const lp = await livePlan(demo, { executor: localExecutor(), stateDir: "/run/underlay" });
 * console.log(renderLivePlan(lp, false));
 * ```
 */
export async function livePlan(lab: Plannable, options: { readonly executor: Executor; readonly stateDir: string }): Promise<LivePlan> {
  if (!isRoot()) {
    lab.plan(); // validation errors first
    return staticPlan(lab, "not running as root, so the live state cannot be read: this plan compares against an empty machine — run as root (sudo) to see what would change");
  }
  const c = await changes(lab, options);
  const run = new Set(c.run);
  const found = new Set(c.foundInPlace);
  const replaced = new Set(c.replace);
  const removed: TextStep[] = [
    ...c.remove.map((o): TextStep => ({ mark: "-", id: o.id, summary: `${o.summary} (no longer in the plan)` })),
    ...c.extras.map((what): TextStep => ({ mark: "-", id: `extra:${what}`, summary: `remove ${what} (not in the plan)` })),
  ];
  const steps = c.plan.ops.map((o): TextStep => {
    if (found.has(o)) return { mark: " ", id: o.id, summary: `${o.summary} (exists already and is not underlay's: left alone)` };
    if (!run.has(o)) return { mark: " ", id: o.id, summary: o.summary };
    const ns = o.kind === "netns-add" ? o.name : o.scope;
    if (ns !== null && replaced.has(ns)) return { mark: "~", id: o.id, summary: o.kind === "netns-add" ? `${o.summary} (replaced: an interface inside differs from the plan)` : o.summary };
    return { mark: "+", id: o.id, summary: o.summary };
  });
  return { plan: c.plan, steps: [...removed, ...steps], live: true, note: null };
}

/**
 * Renders a {@link LivePlan}: header, changed steps (all steps with `verbose`), the summary
 * line, then the endpoints and planner notes.
 *
 * @example
 * ```ts
 * io.out(renderLivePlan(lp, flags.verbose));
 * ```
 */
export function renderLivePlan(lp: LivePlan, verbose: boolean): string {
  const data = lp.plan.toJSON();
  const header = `underlay plan — lab ${data.lab}${data.host === null ? "" : ` (host namespace ${data.host}${data.sandbox ? ", sandbox" : ""})`}`;
  const basis = lp.live
    ? `Compared with the live state: + create, - remove, ~ replace${verbose ? ", (blank) already in place" : "; steps already in place are counted, not listed (--verbose lists them)"}.`
    : `Note: ${lp.note}`;
  const body = renderSteps(data.lab, lp.steps)
    .split("\n")
    .filter((l) => verbose || !l.startsWith("    "));
  while (body[0] === "") body.shift();
  const text = lp.plan.toText();
  const at = text.indexOf("\nEndpoints:");
  const tail = at === -1 ? [] : ["", text.slice(at + 1)];
  return [header, basis, "", ...body, ...tail].join("\n");
}
