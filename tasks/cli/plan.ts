/**
 * `underlay plan <lab.ts> [--json | --shell]`: what `up` would change, against the live state.
 * @module
 */
import { capabilities, UnderlayError, type Plan, type Plannable } from "../../sdk/index.ts";
import { booleanOption, positional, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { jsonText } from "./format.ts";
import { isRoot, livePlan, renderLivePlan, staticPlan } from "./live-plan.ts";
import { loadLab } from "./load-lab.ts";

/** The plan as `up` would compile it here (the dummy fallback decided by the kernel, when root). */
async function machinePlan(lab: Plannable, ctx: CliContext): Promise<Plan> {
  if (!isRoot()) return lab.plan();
  const caps = await capabilities(ctx.executor);
  return lab.plan({ dummy: caps.kinds.dummy, nameInTarget: caps.nameInTarget });
}

/**
 * Runs `underlay plan`.
 *
 * @example
 * ```ts
 * await plan(ctx); // prints "+ create namespace demo-host" …
 * ```
 */
export async function plan(ctx: CliContext): Promise<number> {
  const lab = await loadLab(positional(ctx, 0, "<lab.ts>"), { host: ctx.flags.host });
  const json = ctx.flags.json;
  const shell = booleanOption(ctx, "shell");
  if (json && shell) throw new UnderlayError("USAGE", "choose one of --json and --shell");
  if (json || shell) {
    const p = await machinePlan(lab, ctx);
    ctx.io.out(json ? jsonText(p.toJSON()) : p.toShell());
    return EXIT.OK;
  }
  try {
    const lp = await livePlan(lab, { executor: ctx.executor, stateDir: ctx.flags.stateDir });
    ctx.io.out(renderLivePlan(lp, ctx.flags.verbose));
    return EXIT.OK;
  } catch (e) {
    if (!(e instanceof UnderlayError) || (e.code !== "PREFLIGHT" && e.code !== "UNSUPPORTED_KERNEL")) throw e;
    const fallback = staticPlan(lab, "this machine cannot apply the plan as it is (see the error below); shown against an empty machine", await machinePlan(lab, ctx));
    ctx.io.out(renderLivePlan(fallback, ctx.flags.verbose));
    ctx.io.out("");
    throw e;
  }
}

export { plan as run };
