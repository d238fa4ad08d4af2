/**
 * `underlay check <lab.ts>`: the ping matrix (IPv4 and IPv6) against the expected reachability.
 * @module
 */
import { check as checkLab } from "../../sdk/index.ts";
import { intOption, positional, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { jsonText } from "./format.ts";
import { loadLab } from "./load-lab.ts";

/**
 * Runs `underlay check`: exit 0 when every probe matches, 3 when reachability differs.
 *
 * @example
 * ```ts
 * await check(ctx); // from\to  web  app  db …
 * ```
 */
export async function check(ctx: CliContext): Promise<number> {
  const lab = await loadLab(positional(ctx, 0, "<lab.ts>"), { host: ctx.flags.host });
  const r = await checkLab(lab, { executor: ctx.executor, stateDir: ctx.flags.stateDir, timeout: intOption(ctx, "timeout", 1), parallel: intOption(ctx, "parallel", 8) });
  if (ctx.flags.json) {
    ctx.io.out(jsonText(r));
    return r.ok ? EXIT.OK : EXIT.DRIFT;
  }
  const bad = r.probes.filter((p) => p.seen !== p.expected).length;
  ctx.io.out(`${r.table}\n\n${r.ok ? `✓ lab ${r.lab}: all ${r.probes.length} probes as expected.` : `✗ lab ${r.lab}: ${bad} of ${r.probes.length} probes differ from the expected matrix.`}`);
  return r.ok ? EXIT.OK : EXIT.DRIFT;
}

export { check as run };
