/**
 * `underlay up <lab.ts>`: applies a lab with progress, rolling back on failure.
 * @module
 */
import { up as upLab } from "../../sdk/index.ts";
import { confirmLab } from "./confirm.ts";
import { booleanOption, positional, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { endpointLines, fmtMs } from "./format.ts";
import { loadLab } from "./load-lab.ts";

/**
 * Runs `underlay up`. Unlike the SDK's default, the CLI reads every endpoint namespace (`deep`)
 * so that a change made by hand is converged even when the journal says the last run completed;
 * `--fast` trusts the journal instead.
 *
 * @example
 * ```ts
 * await up(ctx); // [ 1/37] ✓ create namespace demo-host  2.1 ms …
 * ```
 */
export async function up(ctx: CliContext): Promise<number> {
  const lab = await loadLab(positional(ctx, 0, "<lab.ts>"), { host: ctx.flags.host });
  lab.plan(); // validation errors before any question
  const dryRun = booleanOption(ctx, "dry-run");
  if (!dryRun) await confirmLab(ctx.io, lab.spec(), "up", ctx.flags.yes);
  const r = await upLab(lab, { executor: ctx.executor, stateDir: ctx.flags.stateDir, onEvent: ctx.display.lab, dryRun, deep: !booleanOption(ctx, "fast"), persist: true });
  ctx.display.close();
  if (ctx.flags.json) {
    ctx.io.out(JSON.stringify({ type: "result", ok: true, command: "up", lab: r.lab, changed: r.changed, dryRun: r.dryRun, ms: r.ms, endpoints: r.endpoints }));
    return EXIT.OK;
  }
  if (r.dryRun) ctx.io.out(`Lab ${r.lab}: dry run — ${r.changed} step${r.changed === 1 ? "" : "s"} would change (see \`underlay plan\` for which).`);
  else if (r.changed === 0) ctx.io.out(`Lab ${r.lab} is up: no changes — the kernel already matches the plan (${r.ops.length} steps in place).`);
  else ctx.io.out(`Lab ${r.lab} is up: ${r.changed} step${r.changed === 1 ? "" : "s"} applied in ${fmtMs(r.ms)}.`);
  if (!ctx.flags.quiet && !r.dryRun) ctx.io.out(endpointLines(r.endpoints).join("\n"));
  return EXIT.OK;
}

export { up as run };
