/**
 * `underlay gc [--lab <name>] [--dry-run] [--yes] [--json]`: lists leftovers of labs without a
 * journal and removes them after confirmation.
 * @module
 */
import { UnderlayError } from "../../sdk/index.ts";
import { confirmOrYes } from "./confirm.ts";
import { booleanOption, stringOption, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { removeLeftovers, scanLeftovers, type Leftovers } from "./gc-scan.ts";

function describe(found: Leftovers, stateDir: string): string[] {
  const lines = [`Leftovers of ${found.labs.length} lab${found.labs.length === 1 ? "" : "s"} without a journal under ${stateDir}: ${found.labs.join(", ")}`];
  for (const n of found.namespaces) lines.push(`  namespace ${n.name}  (lab ${n.labs.join(", ")})`);
  for (const l of found.links) lines.push(`  link ${l.name}${l.kind === null ? "" : ` (${l.kind})`} in ${l.netns ?? "this namespace"}  (lab ${l.lab})`);
  for (const f of found.hostsFiles) lines.push(`  file ${f}`);
  return lines;
}

/**
 * Runs `underlay gc`.
 *
 * @example
 * ```ts
 * await gc(ctx); // Leftovers of 1 lab without a journal …
 * ```
 */
export async function gc(ctx: CliContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UnderlayError("USAGE", `\`underlay gc\` takes no lab file (received ${ctx.positionals.join(" ")}) — use --lab <name> to limit it to one lab`);
  const stateDir = ctx.flags.stateDir;
  const found = await scanLeftovers(ctx.executor, { stateDir, lab: stringOption(ctx, "lab") });
  const count = found.namespaces.length + found.links.length + found.hostsFiles.length;
  const json = (extra: Record<string, unknown>): void => ctx.io.out(JSON.stringify({ type: "result", command: "gc", stateDir, ...found, ...extra }));
  if (count === 0) {
    if (ctx.flags.json) json({ ok: true, removed: [], failed: [] });
    else ctx.io.out(`No leftovers: every link marked underlay:<lab> belongs to a lab with a journal under ${stateDir}${found.journaled.length > 0 ? ` (${found.journaled.join(", ")})` : ""}.`);
    return EXIT.OK;
  }
  if (ctx.flags.json) ctx.io.out(JSON.stringify({ type: "leftovers", stateDir, ...found }));
  else ctx.io.out(describe(found, stateDir).join("\n"));
  if (booleanOption(ctx, "dry-run")) {
    if (ctx.flags.json) json({ ok: true, dryRun: true, removed: [], failed: [] });
    return EXIT.OK;
  }
  await confirmOrYes(ctx.io, `remove ${count} leftover${count === 1 ? "" : "s"} listed above`, ctx.flags.yes, " (or --dry-run to only list them)");
  const r = await removeLeftovers(ctx.executor, found);
  if (ctx.flags.json) json({ ok: r.failed.length === 0, removed: r.removed, failed: r.failed });
  else {
    ctx.io.out(`Removed ${r.removed.length}: ${r.removed.join(", ")}`);
    if (r.failed.length > 0) ctx.io.err(`Could not remove ${r.failed.length}:\n${r.failed.map((f) => `  ${f.what}: ${f.message}`).join("\n")}`);
  }
  return r.failed.length === 0 ? EXIT.OK : EXIT.FAILURE;
}

export { gc as run };
