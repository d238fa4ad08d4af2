/**
 * `underlay gc [--lab <name>] [--prefix <p>] [--dry-run] [--yes] [--json]`: lists the labs whose
 * owning process is gone (and leftovers nothing names but their marks), and removes them after
 * confirmation. Labs a live process owns, persistent labs and labs being brought up or down are
 * left alone and listed with the reason.
 * @module
 */
import { UnderlayError } from "../../sdk/index.ts";
import { removeLabs } from "../../sdk/runner/gc.ts";
import { scanLabs, type LabScan } from "../../sdk/runner/gc-scan.ts";
import { confirmOrYes } from "./confirm.ts";
import { booleanOption, stringOption, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";

function describe(scan: LabScan): string[] {
  const lines: string[] = [];
  if (scan.remove.length > 0) lines.push(`Labs to remove (${scan.remove.length}):`);
  for (const l of scan.remove) {
    lines.push(`  ${l.lab}: ${l.reason}${l.stateDir === null ? "" : ` (journal under ${l.stateDir})`}`);
    for (const n of l.namespaces) lines.push(`    namespace ${n}`);
    for (const k of l.links) lines.push(`    link ${k.name}${k.kind === null ? "" : ` (${k.kind})`} in ${k.netns ?? "this namespace"}`);
    for (const f of l.hostsFiles) lines.push(`    file ${f}`);
  }
  if (scan.staleFiles.length > 0) lines.push(`Stale files of runs whose process is gone (${scan.staleFiles.length}):`, ...scan.staleFiles.map((f) => `    ${f}`));
  return lines;
}

/** What was removed, counted by kind (`--verbose` lists every item). */
function summary(removed: readonly string[]): string {
  const count = (re: RegExp): number => removed.filter((x) => re.test(x)).length;
  const parts: [number, string][] = [
    [count(/^netns:|^namespace /), "namespace"],
    [count(/^link /), "marked link"],
    [count(/^file /), "file"],
    [count(/^process /), "process stopped"],
    [count(/^(?!netns:|namespace |link |file |process )/), "other step"],
  ];
  return parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}${n === 1 ? "" : "s"}`).join(", ") || "nothing";
}

function kept(scan: LabScan): string[] {
  return scan.kept.length === 0 ? [] : [`Left alone (${scan.kept.length}):`, ...scan.kept.map((k) => `  ${k.lab}: ${k.why}`)];
}

/**
 * Runs `underlay gc`.
 *
 * @example
 * ```ts
 * await gc(ctx); // Labs to remove (1): t-3f2a: its process 4242 is gone …
 * ```
 */
export async function gc(ctx: CliContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UnderlayError("USAGE", `\`underlay gc\` takes no lab file (received ${ctx.positionals.join(" ")}) — use --lab <name> or --prefix <p> to narrow it`);
  const lab = stringOption(ctx, "lab");
  const prefix = stringOption(ctx, "prefix");
  const scan = await scanLabs({ executor: ctx.executor, stateDirs: [ctx.flags.stateDir], ...(lab === undefined ? {} : { lab }), ...(prefix === undefined ? {} : { prefix }) });
  const count = scan.remove.length + scan.staleFiles.length;
  const json = (extra: Record<string, unknown>): void => ctx.io.out(JSON.stringify({ type: "result", command: "gc", ...extra }));
  if (ctx.flags.json) ctx.io.out(JSON.stringify({ type: "leftovers", ...scan }));
  if (count === 0) {
    if (ctx.flags.json) json({ ok: true, labs: [], removed: [], failed: [] });
    else ctx.io.out(["No leftovers: no lab whose process is gone, no orphaned marks or files.", ...kept(scan)].join("\n"));
    return EXIT.OK;
  }
  if (!ctx.flags.json) ctx.io.out([...describe(scan), ...kept(scan)].join("\n"));
  if (booleanOption(ctx, "dry-run")) {
    if (ctx.flags.json) json({ ok: true, dryRun: true, labs: [], removed: [], failed: [] });
    return EXIT.OK;
  }
  const what = [scan.remove.length > 0 ? `${scan.remove.length} lab${scan.remove.length === 1 ? "" : "s"}` : "", scan.staleFiles.length > 0 ? `${scan.staleFiles.length} stale file${scan.staleFiles.length === 1 ? "" : "s"}` : ""].filter((x) => x !== "").join(" and ");
  await confirmOrYes(ctx.io, `remove the ${what} listed above`, ctx.flags.yes, " (or --dry-run to only list them)");
  const r = await removeLabs(scan, { executor: ctx.executor });
  if (ctx.flags.json) json({ ok: r.failed.length === 0, labs: r.labs, removed: r.removed, failed: r.failed });
  else {
    ctx.io.out(`Removed ${r.labs.length} lab${r.labs.length === 1 ? "" : "s"}${r.labs.length > 0 ? ` (${r.labs.join(", ")})` : ""}: ${summary(r.removed)}${ctx.flags.verbose ? `\n${r.removed.map((x) => `  ${x}`).join("\n")}` : ""}`);
    if (r.failed.length > 0) ctx.io.err(`Could not remove ${r.failed.length}:\n${r.failed.map((f) => `  ${f.what}: ${f.message}`).join("\n")}`);
  }
  return r.failed.length === 0 ? EXIT.OK : EXIT.FAILURE;
}

export { gc as run };
