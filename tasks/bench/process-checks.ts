/**
 * Whole-process checks: peak memory of planning 10,000 endpoints (in a fresh process), and the
 * cold start of `tasks/cli.ts plan` for a 10-endpoint lab.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** The command that runs a TypeScript file in `runtime`. */
export function runtimeArgv(runtime: "bun" | "node" | "deno", file: string, args: readonly string[] = []): string[] {
  if (runtime === "bun") return [join(root, "node_modules/.bin/bun"), file, ...args];
  if (runtime === "deno") return [join(root, "node_modules/.bin/deno"), "run", "-A", file, ...args];
  return [process.execPath.endsWith("node") ? process.execPath : "node", "--import", "tsx", file, ...args];
}

/** Peak memory of planning 10,000 endpoints: the process's peak RSS (VmHWM) minus its RSS before planning, in MB. */
export function planMemory(runtime: "bun" | "node"): { readonly baselineMB: number; readonly peakMB: number; readonly deltaMB: number; readonly planMs: number } {
  const dir = mkdtempSync(join(tmpdir(), "underlay-bench-"));
  try {
    const file = join(dir, "plan-memory.ts");
    writeFileSync(
      file,
      `import { readFileSync } from "node:fs";
import { benchLab } from ${JSON.stringify(join(root, "tasks/bench/underlay-run.ts"))};
// VmHWM (peak RSS of this address space): ru_maxrss would carry over the parent's peak across exec.
const hwm = () => Number(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;
const l = benchLab("ubm", 10000);
l.spec();
const before = process.memoryUsage().rss;
if (hwm() > before * 1.5) throw new Error("peak RSS already far above the current RSS before planning");
const t0 = performance.now();
const p = l.plan();
const ms = performance.now() - t0;
if (p.ops.length < 10000) throw new Error("short plan");
const peak = hwm();
console.log(JSON.stringify({ before, peak, ms }));`,
    );
    const [cmd, ...args] = runtimeArgv(runtime, file);
    const r = spawnSync(cmd as string, args, { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`plan-memory failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { before: number; peak: number; ms: number };
    return { baselineMB: m.before / 1e6, peakMB: m.peak / 1e6, deltaMB: Math.max(0, m.peak - m.before) / 1e6, planMs: m.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time of `tasks/cli.ts plan <10-endpoint lab>` in a fresh process, min and median of `reps`. */
export function coldStart(runtime: "bun" | "node", reps = 5): { readonly minMs: number; readonly medianMs: number } {
  const dir = mkdtempSync(join(tmpdir(), "underlay-bench-"));
  try {
    const file = join(dir, "lab10.ts");
    writeFileSync(
      file,
      `import { lab, net } from ${JSON.stringify(join(root, "sdk/index.ts"))};
const n = net.macvlan("pub").parent("eth0").subnet("192.168.50.0/24");
let l = lab("cold", { host: "cold-h", sandbox: true });
for (let i = 0; i < 10; i++) l = l.endpoint("e" + i, n);
export default l;`,
    );
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const [cmd, ...args] = runtimeArgv(runtime, join(root, "tasks/cli.ts"), ["plan", file]);
      const t0 = performance.now();
      const r = spawnSync(cmd as string, args, { cwd: root, encoding: "utf8", env: { ...process.env, UNDERLAY_STATE_DIR: dir } });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`cold start: plan failed: ${r.stderr}`);
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    return { minMs: times[0] as number, medianMs: times[Math.floor(times.length / 2)] as number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
