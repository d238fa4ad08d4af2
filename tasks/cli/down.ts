/**
 * `underlay down <lab.ts>`: removes exactly what the lab created.
 * @module
 */
import { down as downLab } from "../../sdk/index.ts";
import { confirmLab } from "./confirm.ts";
import { booleanOption, positional, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { fmtMs } from "./format.ts";
import { loadLab } from "./load-lab.ts";

/**
 * Runs `underlay down`.
 *
 * @example
 * ```ts
 * await down(ctx); // Lab demo is down: 37 steps undone in 13 ms.
 * ```
 */
export async function down(ctx: CliContext): Promise<number> {
  const lab = await loadLab(positional(ctx, 0, "<lab.ts>"), { host: ctx.flags.host });
  lab.plan();
  const dryRun = booleanOption(ctx, "dry-run");
  if (!dryRun) await confirmLab(ctx.io, lab.spec(), "down", ctx.flags.yes);
  const r = await downLab(lab, { executor: ctx.executor, stateDir: ctx.flags.stateDir, onEvent: ctx.display.lab, dryRun, force: booleanOption(ctx, "force") });
  ctx.display.close();
  if (ctx.flags.json) {
    ctx.io.out(JSON.stringify({ type: "result", ok: true, command: "down", lab: r.lab, removed: r.removed, ids: r.ids, stopped: r.stopped, dryRun, ms: r.ms }));
  } else if (dryRun) {
    ctx.io.out(`Lab ${r.lab}: dry run — ${r.removed} owned step${r.removed === 1 ? "" : "s"} would be undone:\n${r.ids.map((id) => `  - ${id}`).join("\n")}`);
  } else if (r.removed === 0) {
    ctx.io.out(`Lab ${r.lab} was not up: nothing to remove.`);
  } else {
    ctx.io.out(`Lab ${r.lab} is down: ${r.removed} step${r.removed === 1 ? "" : "s"} undone in ${fmtMs(r.ms)}.`);
  }
  for (const p of r.stopped) ctx.io.out(`  stopped pid ${p.pid} in ${p.netns} (${p.signal}): ${p.argv.join(" ")}`);
  return EXIT.OK;
}

export { down as run };
