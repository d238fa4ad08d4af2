/**
 * `terraform plan` for a lab: the plan's steps marked against the LIVE kernel — `+` to create,
 * `-` to remove (owned by the lab, gone from the plan), `~` to replace (an endpoint whose
 * interface differs is recreated as a whole), ` ` already in place. Computed by a dry-run `up`
 * (which reads the kernel and the lab's journal) — nothing is changed. Without root the live
 * state cannot be read: the plan is then compared with an empty machine, and says so.
 * @module
 */
import { renderSteps, up, type Executor, type Plan, type Plannable, type TextStep } from "../../sdk/index.ts";
import { readOwnership } from "../../sdk/runner/journal.ts";

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

async function namespaces(executor: Executor): Promise<Set<string>> {
  const r = await executor.run({ netns: null, argv: ["ip", "-json", "netns", "list"] });
  const text = r.stdout.trim();
  if (r.code !== 0 || text === "") return new Set();
  return new Set((JSON.parse(text) as { name: string }[]).map((n) => n.name));
}

/**
 * Compares the lab's plan with the live state (root needed; otherwise {@link staticPlan}).
 * Throws what a dry-run `up` throws (`PREFLIGHT`, `UNSUPPORTED_KERNEL`, `INVALID_SPEC`).
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
  const notOurs = new Map<string, string>();
  const r = await up(lab, {
    dryRun: true,
    deep: true,
    executor: options.executor,
    stateDir: options.stateDir,
    handleSignals: false,
    onEvent: (e) => {
      if (e.type === "op-skip") notOurs.set(e.id, e.reason);
    },
  });
  const data = r.plan.toJSON();
  const toRun = new Set(r.ops.filter((o) => o.status === "skipped").map((o) => o.id));
  const live = await namespaces(options.executor);
  const replaced = new Set(data.ops.flatMap((o) => (o.kind === "netns-add" && toRun.has(o.id) && live.has(o.name) ? [o.name] : [])));
  const planIds = new Set(data.ops.map((o) => o.id));
  const removed: TextStep[] = readOwnership(options.stateDir, lab.name)
    .ops.filter((e) => !planIds.has(e.op.id))
    .map((e) => ({ mark: "-", id: e.op.id, summary: `${e.op.summary} (no longer in the plan)` }));
  const steps = data.ops.map((o): TextStep => {
    const reason = notOurs.get(o.id);
    if (reason !== undefined) return { mark: " ", id: o.id, summary: `${o.summary} (${reason})` };
    if (!toRun.has(o.id)) return { mark: " ", id: o.id, summary: o.summary };
    const ns = o.kind === "netns-add" ? o.name : o.scope;
    if (ns !== null && replaced.has(ns)) return { mark: "~", id: o.id, summary: o.kind === "netns-add" ? `${o.summary} (replaced: an interface inside differs from the plan)` : o.summary };
    return { mark: "+", id: o.id, summary: o.summary };
  });
  return { plan: r.plan, steps: [...removed, ...steps], live: true, note: null };
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
