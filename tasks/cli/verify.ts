/**
 * `underlay verify <lab.ts>`: compares the live kernel with the plan; exit 3 on drift.
 * @module
 */
import { verify as verifyLab } from "../../sdk/index.ts";
import { positional, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { jsonText } from "./format.ts";
import { loadLab } from "./load-lab.ts";

/**
 * Runs `underlay verify`.
 *
 * @example
 * ```ts
 * const code = await verify(ctx); // 0 clean, 3 drift
 * ```
 */
export async function verify(ctx: CliContext): Promise<number> {
  const lab = await loadLab(positional(ctx, 0, "<lab.ts>"), { host: ctx.flags.host });
  const r = await verifyLab(lab, { executor: ctx.executor, stateDir: ctx.flags.stateDir, throwOnDrift: false });
  if (ctx.flags.json) {
    ctx.io.out(jsonText(r));
    return r.clean ? EXIT.OK : EXIT.DRIFT;
  }
  if (r.clean) {
    ctx.io.out(`✓ lab ${r.lab} matches its plan (${r.checked} facts checked).`);
    return EXIT.OK;
  }
  const lines = [
    ...r.missing.map((m) => `  missing   ${m.summary}: ${m.reason}`),
    ...r.different.map((d) => `  different ${d.summary}: ${d.reason}`),
    ...r.extra.map((x) => `  extra     ${x.summary}: ${x.reason}`),
  ];
  ctx.io.out(`✗ lab ${r.lab} drifted from its plan (${lines.length} difference${lines.length === 1 ? "" : "s"} in ${r.checked} facts):\n${lines.join("\n")}\nRun \`underlay up\` with the same lab file to converge.`);
  return EXIT.DRIFT;
}

export { verify as run };
