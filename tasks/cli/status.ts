/**
 * `underlay status <lab.ts>`: what is up, what is missing, what the journal owns.
 * @module
 */
import { status as labStatus } from "../../sdk/index.ts";
import { positional, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { jsonText } from "./format.ts";
import { loadLab } from "./load-lab.ts";

/**
 * Runs `underlay status` (exit 0 whether or not the lab is up; `verify` is the strict check).
 *
 * @example
 * ```ts
 * await status(ctx); // Lab demo: up — 37 steps in place, 37 owned (last run complete).
 * ```
 */
export async function status(ctx: CliContext): Promise<number> {
  const lab = await loadLab(positional(ctx, 0, "<lab.ts>"), { host: ctx.flags.host });
  const s = await labStatus(lab, { executor: ctx.executor, stateDir: ctx.flags.stateDir });
  if (ctx.flags.json) {
    ctx.io.out(jsonText(s));
    return EXIT.OK;
  }
  const owned = `${s.owned} owned by its journal${s.owned > 0 ? (s.complete ? " (last run complete)" : " (LAST RUN DID NOT COMPLETE — run up again, or down)") : ""}`;
  const state = s.up ? "up" : s.inPlace === 0 && s.owned === 0 ? "down" : "partly up";
  const lines = [`Lab ${s.lab}: ${state} — ${s.inPlace} step${s.inPlace === 1 ? "" : "s"} in place, ${s.missing.length} missing, ${owned}.`];
  if (s.missing.length > 0 && s.inPlace > 0) lines.push("Missing (run `underlay up` to converge):", ...s.missing.map((m) => `  + ${m}`));
  if (s.foundInPlace.length > 0) lines.push("Found in place, not underlay's (left alone):", ...s.foundInPlace.map((m) => `    ${m}`));
  if (s.notes.length > 0) lines.push("Notes:", ...s.notes.map((n) => `  i ${n}`));
  ctx.io.out(lines.join("\n"));
  return EXIT.OK;
}

export { status as run };
