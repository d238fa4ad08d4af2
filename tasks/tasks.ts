/**
 * underlay's own tasks: `demo` (the README quick start), `bench`, `kernel-lab` and `conformance`
 * (delegating to tasks/bench/index.ts, tasks/kernel-lab/index.ts and tasks/conformance/index.ts,
 * which export `main(argv)`).
 *
 * @example
 * ```sh
 * npm run demo            # = node tasks/underlay.mjs run demo
 * node tasks/underlay.mjs run bench -- --quick
 * ```
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UnderlayError } from "../sdk/index.ts";
import { renderSteps } from "../sdk/plan/render-text.ts";
import demo from "./demo-lab.ts";
import { ensureDebianPackages, RUNTIME_PACKAGES } from "./setup/debian-packages.ts";
import { defineTasks, type TaskContext } from "./task-runner/index.ts";

/** Whether a module's source exports `main` (checked before importing: a script would run on import). */
function exportsMain(source: string): boolean {
  return /export\s+(?:async\s+)?function\s+main\b|export\s+const\s+main\b|export\s*\{[^}]*\bmain\b[^}]*\}/.test(source);
}

/** Calls `main(argv)` of a module another part of the project owns, or says it is not there yet. */
async function delegate(ctx: TaskContext, relative: string, what: string): Promise<void> {
  const url = new URL(relative, import.meta.url);
  const path = fileURLToPath(url);
  const shown = `tasks/${relative.slice(2)}`;
  if (!existsSync(path)) throw new UnderlayError("PREFLIGHT", `${what} is not available yet: ${shown} does not exist in this checkout`);
  if (!exportsMain(readFileSync(path, "utf8"))) {
    throw new UnderlayError("PREFLIGHT", `${what} is not available yet: ${shown} does not export main(argv) — until it does, run it directly (bun ${shown} …)`);
  }
  const mod = (await import(url.href)) as { main?: unknown };
  if (typeof mod.main !== "function") throw new UnderlayError("PREFLIGHT", `${what} is not available yet: ${shown} does not export main(argv)`);
  const code: unknown = await (mod.main as (argv: readonly string[]) => unknown)(ctx.args);
  if (typeof code === "number" && code !== 0) throw new UnderlayError("STEP_FAILED", `${what} exited with code ${code}`);
}

/** The demo: plan summary, up with progress, ping matrix, verify, and teardown — always. */
async function runDemo(ctx: TaskContext): Promise<void> {
  // A fresh machine may lack ping (iputils-ping) and friends: install them first (as root).
  for (const pkg of ensureDebianPackages(RUNTIME_PACKAGES, [], (line) => ctx.log(line))) ctx.log(`installed ${pkg}`);
  const plan = demo.plan();
  ctx.log(`Lab ${demo.name}: sandbox namespace ${plan.host}; networks ${plan.networks.map((n) => `${n.name} (${n.driver} ${n.mode}, ${n.subnets.map((s) => s.cidr).join(" ")}${n.internal ? ", internal" : ""})`).join(", ")}`);
  for (const e of plan.endpoints) ctx.log(`  ${e.name.padEnd(4)} ${e.interfaces.map((i) => `${i.name} ${i.network} ${i.addresses.join(" ")}`).join(", ")}`);
  ctx.log(renderSteps(demo.name, plan.ops.map((o) => ({ mark: "+", id: o.id, summary: o.summary }))).split("\n").at(-1) ?? "");
  const up = await ctx.apply(demo);
  if (up.dryRun) {
    ctx.log(`dry run: ${up.changed} steps would change; nothing was applied`);
    return;
  }
  try {
    const report = await demo.check();
    ctx.log(report.table);
    const verified = await demo.verify();
    ctx.log(`verify: the kernel matches the plan (${verified.checked} facts checked)`);
    if (!report.ok) {
      const bad = report.probes.filter((p) => p.seen !== p.expected).length;
      throw new UnderlayError("STEP_FAILED", `the ping matrix differs from the expected one in ${bad} of ${report.probes.length} probes (see the table above)`);
    }
  } finally {
    const d = await up.down();
    ctx.log(`torn down: ${d.removed} steps undone`);
  }
}

export default defineTasks({
  demo: { description: "sandboxed macvlan demo: plan, up, ping matrix, verify, down", run: runDemo },
  bench: { description: "benchmarks (tasks/bench/index.ts main(argv))", run: (ctx) => delegate(ctx, "./bench/index.ts", "the bench task") },
  conformance: { description: "the documents' macvlan scenarios on a real Docker Engine vs fromDocker (tasks/conformance/index.ts main(argv))", run: (ctx) => delegate(ctx, "./conformance/index.ts", "the conformance task") },
  "kernel-lab": { description: "prove ipvlan/VLAN/dummy on a Debian kernel in qemu (tasks/kernel-lab/index.ts main(argv))", run: (ctx) => delegate(ctx, "./kernel-lab/index.ts", "the kernel-lab task") },
});
