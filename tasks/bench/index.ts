/**
 * `npm run bench`: one run, one process tree. underlay `up`/`down` side by side with the
 * hand-written `ip -batch` script, the naive script and the CNI plugins (interleaved, min/median
 * over reps), per-endpoint growth to N = 1,000, the no-op re-up, tinybench micro-benchmarks
 * (planning, IPAM, state diffing), planning memory and CLI cold start. Prints the tables and the
 * targets of the performance issue, and writes everything to `bench-results/latest.json`.
 *
 * Then the fixture latency of `underlay/testing` (`fixture.ts`): a test's 3-endpoint lab up +
 * down, and a suite of 8 files × 5 labs under vitest and `bun test` with 4 workers, each against
 * the hand-written baseline.
 *
 * Usage: `bun tasks/bench/index.ts [--n 10,100,500] [--reps 5] [--growth 1000] [--quick] [--json] [--fixture-only]`
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { observe } from "../../sdk/state/observe.ts";
import { readsFor } from "../../sdk/state/reads.ts";
import { localExecutor } from "../../sdk/index.ts";
import { BASELINES } from "./baselines/run-baselines.ts";
import { describeEnvironment, formatEnvironment } from "./baselines/environment.ts";
import { sandboxPrefix, withSandbox } from "./baselines/sandbox.ts";
import { formatTable, stat, summarize, type BaselineRow } from "./baselines/summary.ts";
import { runIpamBench } from "./ipam.bench.ts";
import { fixtureLatency, formatFixture, suiteLatency } from "./fixture.ts";
import { diffBench, planBench, type MicroResult } from "./micro.ts";
import { coldStart, planMemory } from "./process-checks.ts";
import { settleCpu } from "./settle.ts";
import { benchLab, perEndpointProfile, runUnderlay } from "./underlay-run.ts";
import { CHILD_METHODS, startChild, type ChildLab, type ChildMethod } from "./netlink/child-runs.ts";
import { buildFloor } from "./netlink/floor.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** A target of the performance issue and whether this run met it. */
export interface Target {
  /** What is compared. */
  readonly what: string;
  /** The measured value. */
  readonly value: string;
  /** The bound. */
  readonly bound: string;
  /** Met? */
  readonly met: boolean;
}

function runtimeName(): "bun" | "node" | "deno" {
  const g = globalThis as Record<string, unknown>;
  return "Bun" in g ? "bun" : "Deno" in g ? "deno" : "node";
}

/** Where a lab of a child run stands in its process's life. */
type LabPhase = "first" | "warm-up" | "steady";

/**
 * Labs a process runs to warm up after its first, before its steady state is measured: enough
 * for its code to have set up about 100 endpoints (at least one lab). Measured by hand, a Bun
 * process's 3-endpoint lab took 13–17 ms in its labs 2–6 and settled at 8–11 ms after 20–35 labs
 * (Deno: 12–21 ms, then 9–10 ms after about 10): the runtimes compile the code paths for a while.
 */
const warmupLabs = (n: number): number => Math.max(1, Math.ceil(100 / n));

/**
 * Runs the methods' labs of `n` endpoints, a process per method: each underlay process's first
 * lab, then `warmupLabs(n)` labs of each back to back, then `measured` labs paired — lab k of
 * every method (the floor too) back to back, in an order that alternates with k, `between`
 * awaited before each. The floor has nothing to warm up: it runs only the paired labs. Resolves
 * with each method's peak resident memory (`null` for the floor) once every process ended.
 */
async function pairedLabs(
  methods: readonly ChildMethod[],
  n: number,
  measured: number,
  floorBin: string | null,
  each: (method: ChildMethod, phase: LabPhase, r: ChildLab) => Promise<void>,
  between: () => Promise<unknown>,
): Promise<[ChildMethod, number | null][]> {
  const runners = methods.map((m) => [m, startChild(m, n, floorBin)] as const);
  const underlay = runners.filter(([m]) => m !== "floor");
  try {
    for (const [method, runner] of underlay) {
      await between();
      await each(method, "first", await runner.lab(sandboxPrefix()));
    }
    for (const [method, runner] of underlay) {
      for (let k = 0; k < warmupLabs(n); k++) await each(method, "warm-up", await runner.lab(sandboxPrefix()));
    }
    for (let k = 0; k < measured; k++) {
      for (const [method, runner] of k % 2 === 0 ? runners : [...runners].reverse()) {
        await between();
        await each(method, "steady", await runner.lab(sandboxPrefix()));
      }
    }
  } catch (e) {
    await Promise.allSettled(runners.map(([, r]) => r.close()));
    throw e;
  }
  const out: [ChildMethod, number | null][] = [];
  for (const [method, runner] of runners) out.push([method, (await runner.close()).peakRssMB]);
  return out;
}

/** Runs the whole benchmark; returns the process exit code (0 even when a target is missed: it reports). */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      n: { type: "string", default: "10,100,500" },
      reps: { type: "string", default: "5" },
      growth: { type: "string", default: "1000" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      floor: { type: "string" },
      "fixture-only": { type: "boolean", default: false },
    },
  });
  const ns = values.quick ? [10, 100] : values.n.split(",").map(Number);
  const reps = values.quick ? 1 : Number(values.reps);
  const growthN = values.quick ? 200 : Number(values.growth);
  const log = (line: string): void => {
    if (!values.json) console.log(line);
  };
  const env = describeEnvironment();
  log(formatEnvironment(env));
  log(`underlay runs in-process under ${runtimeName()}; the baselines are their own processes.`);
  const fixture = async (): Promise<{ latency: Awaited<ReturnType<typeof fixtureLatency>>; suites: Awaited<ReturnType<typeof suiteLatency>> }> => {
    const latency = await fixtureLatency(values.quick ? 10 : Math.max(10, 2 * reps + 1));
    const suites = await suiteLatency({ files: 8, tests: 5, workers: 4, reps: values.quick ? 1 : 3 });
    log("");
    for (const line of formatFixture(latency, suites)) log(line);
    return { latency, suites };
  };
  if (values["fixture-only"]) {
    const out = { at: new Date().toISOString(), environment: env, runtime: runtimeName(), fixture: await fixture() };
    mkdirSync(join(root, "bench-results"), { recursive: true });
    writeFileSync(join(root, "bench-results/fixture.json"), `${JSON.stringify(out, null, 2)}\n`);
    if (values.json) console.log(JSON.stringify(out));
    else log(`\nwritten: bench-results/fixture.json`);
    return 0;
  }

  // 1. Side by side, interleaved: underlay (in-process, iproute2 executor), hand-written, naive
  // and CNI once per rep; then the methods run as processes of their own — the netlink executor
  // under Bun and Deno, the iproute2 executor under Bun, the raw-netlink floor (when gcc is there)
  // — paired lab by lab (see `child-runs.ts`).
  const floorBin = buildFloor(values.floor ?? process.env["UNDERLAY_FLOOR_C"] ?? join(root, "../shared/perf/floor.c"), log);
  const children = CHILD_METHODS.filter((m) => m !== "floor" || floorBin !== null);
  const baselines = ["underlay", "hand-written", "naive", "cni"] as const;
  const iproute2 = localExecutor();
  const rows: BaselineRow[] = [];
  const cpu: { method: string; n: number; upCpuMs: number }[] = [];
  const peaks: { method: string; n: number; peakRssMB: number }[] = [];
  const reUps: { n: number; upMs: number; reUpMs: number }[] = [];
  for (const n of ns) {
    for (let rep = 0; rep < reps; rep++) {
      for (const method of baselines) {
        await settleCpu();
        const prefix = sandboxPrefix();
        let r: { upMs: number; downMs: number; reUpMs?: number };
        if (method === "underlay") r = await runUnderlay({ n, prefix }, iproute2);
        else r = await (BASELINES[method] as NonNullable<(typeof BASELINES)[string]>)({ n, prefix });
        rows.push({ method, n, rep, upMs: r.upMs, downMs: r.downMs });
        if (r.reUpMs !== undefined) reUps.push({ n, upMs: r.upMs, reUpMs: r.reUpMs });
        log(`  ${method.padEnd(14)} n=${String(n).padStart(4)} rep ${rep + 1}/${reps}: up ${r.upMs.toFixed(1)} ms, down ${r.downMs.toFixed(1)} ms`);
      }
      // A process per method; its first lab, which also pays its one-time costs, is a row of its
      // own ("…, 1st lab"); after it warms up ("…, warming up": its labs 2 and on, while its code
      // is still being compiled), three labs of every method run paired, each after the machine
      // has settled: the method's row (its steady state, as a test worker's later labs). Every
      // run of the floor is a row of the floor.
      const runners = await pairedLabs(children, n, 3, floorBin, async (method, phase, r) => {
        const row = phase === "first" ? `${method}, 1st lab` : phase === "warm-up" ? `${method}, warming up` : method;
        rows.push({ method: row, n, rep, upMs: r.upMs, downMs: r.downMs });
        if (phase === "steady") cpu.push({ method, n, upCpuMs: r.upCpuMs });
        if (phase !== "warm-up") log(`  ${row.padEnd(24)} n=${String(n).padStart(4)} rep ${rep + 1}/${reps}: up ${r.upMs.toFixed(1)} ms, down ${r.downMs.toFixed(1)} ms`);
      }, () => settleCpu({ maxMs: 1500 }));
      for (const [method, peak] of runners) if (peak !== null) peaks.push({ method, n, peakRssMB: peak });
    }
  }
  const summary = summarize(rows);
  log("");
  log(formatTable(summary));

  // 1b. A small lab (3 endpoints), up + down, as test fixtures feel it: netlink vs the floor. As
  // above: each process's first lab, its warm-up (34 labs), then five labs of each method paired,
  // each on a settled machine (right after another method's `down`, the kernel's cleanup of its
  // namespaces would slow whichever `up` came next).
  const lab3: { method: string; phase: LabPhase; ms: number }[] = [];
  const lab3Methods = children.filter((m) => m !== "iproute2 (bun)");
  for (let rep = 0; rep < Math.max(reps, 3); rep++) {
    await settleCpu();
    await pairedLabs(lab3Methods, 3, 5, floorBin, async (method, phase, r) => {
      lab3.push({ method, phase, ms: r.upMs + r.downMs });
    }, () => settleCpu({ maxMs: 1500 }));
  }
  const medianOf = (xs: readonly number[]): number => stat(xs).median;
  const lab3Of = (m: string, phase: LabPhase): number => medianOf(lab3.filter((x) => x.method === m && x.phase === phase).map((x) => x.ms));
  log(`\n3-endpoint lab, up + down (median ms; per process: the first lab, ${warmupLabs(3)} to warm up, 5 measured):`);
  for (const m of lab3Methods) log(`  ${m.padEnd(14)} ${lab3Of(m, "steady").toFixed(2)} ms${m === "floor" ? "" : ` (the process's first lab: ${lab3Of(m, "first").toFixed(2)} ms; while warming up: ${lab3Of(m, "warm-up").toFixed(2)} ms)`}`);
  log("\nCPU time per endpoint of up (median; underlay: the whole process, every thread; floor: its working thread) and peak RSS:");
  for (const n of ns) {
    for (const m of children) {
      const of = cpu.filter((c) => c.method === m && c.n === n);
      const rss = peaks.filter((c) => c.method === m && c.n === n).map((c) => c.peakRssMB);
      log(`  ${m.padEnd(14)} n=${String(n).padStart(4)}: ${(medianOf(of.map((c) => c.upCpuMs)) / n).toFixed(3)} ms CPU/endpoint${rss.length > 0 ? `, peak RSS ${medianOf(rss).toFixed(0)} MB` : ""}`);
    }
  }

  // 2. Per-endpoint cost within one up of N = growthN: first 10% of endpoints vs last 10%, in
  // `reps` separate ups (the same repetitions as the table), reported as the median ratio.
  const tenthN = Math.max(1, Math.round(growthN / 10));
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const profiles: { upMs: number; firstTenth: number; lastTenth: number; perEndpoint: number[] }[] = [];
  for (let rep = 0; rep < reps; rep++) {
    await settleCpu();
    const p = await perEndpointProfile(sandboxPrefix(), growthN);
    profiles.push({ upMs: p.upMs, firstTenth: mean(p.perEndpoint.slice(0, tenthN)), lastTenth: mean(p.perEndpoint.slice(-tenthN)), perEndpoint: p.perEndpoint });
    log(`  one up of N=${growthN}, rep ${rep + 1}/${reps}: ${(p.upMs / growthN).toFixed(2)} ms/endpoint; steps per endpoint ${profiles.at(-1)?.firstTenth.toFixed(2)} ms (first 10%) vs ${profiles.at(-1)?.lastTenth.toFixed(2)} ms (last 10%)`);
  }
  const byRatio = [...profiles].sort((a, b) => a.lastTenth / a.firstTenth - b.lastTenth / b.firstTenth);
  const profile = byRatio[Math.floor((byRatio.length - 1) / 2)] as (typeof profiles)[number];
  const { firstTenth, lastTenth } = profile;
  log(`
One up of N=${growthN} (the median of ${reps} by growth): ${(profile.upMs / growthN).toFixed(2)} ms/endpoint overall; steps per endpoint cost ${firstTenth.toFixed(2)} ms (first 10%) vs ${lastTenth.toFixed(2)} ms (last 10%); ratios ${profiles.map((p) => (p.lastTenth / p.firstTenth).toFixed(2)).join(", ")}`);
  const perN = ns.map((n) => `N=${n}: ${(summary.find((r) => r.method === "underlay" && r.n === n)?.upPerEndpoint.median ?? NaN).toFixed(2)}`).join(", ");
  log(`underlay up ms/endpoint (median): ${perN}, N=${growthN}: ${(profile.upMs / growthN).toFixed(2)}`);

  // 3. State read and diff on a live lab of the largest N.
  const biggest = Math.max(...ns);
  const prefix = sandboxPrefix();
  let observeMsPerNs = NaN;
  let diff: MicroResult[] = [];
  await withSandbox(prefix, async () => {
    const l = benchLab(prefix, biggest);
    await l.up({ hostsFiles: false, handleSignals: false });
    try {
      const plan = l.plan().toJSON();
      const facts = plan.ops.map((o) => o.fact);
      const reads = readsFor(facts);
      const t0 = performance.now();
      const state = await observe(localExecutor(), reads.namespaces, { sysctl: reads.sysctl, files: reads.files });
      observeMsPerNs = (performance.now() - t0) / reads.namespaces.length;
      diff = await diffBench(facts, state, `N=${biggest}`);
    } finally {
      await l.down();
    }
  });

  // 4. Micro-benchmarks and whole-process checks.
  const plans = await planBench();
  const ipam = await runIpamBench({ iterations: 3 });
  // Memory is judged in Node (V8 returns memory to the system promptly); Bun's RSS is shown too:
  // its allocator keeps freed pages, so its RSS growth overstates what planning holds.
  const memory = planMemory("node");
  const memoryBun = planMemory("bun");
  const cold = coldStart("bun");
  const coldNode = coldStart("node");
  log("\nMicro-benchmarks (tinybench):");
  for (const m of [...plans, ...diff]) log(`  ${m.name.padEnd(32)} mean ${m.meanMs.toFixed(2)} ms, min ${m.minMs.toFixed(2)} ms (${m.runs} runs)`);
  for (const m of ipam) log(`  ${m.name.padEnd(32)} mean ${m.ms.toFixed(2)} ms`);
  log(`  observe (read back) ${observeMsPerNs.toFixed(2)} ms per namespace at N=${biggest}`);
  log(`  planning 10,000 endpoints in a fresh node process: ${memory.planMs.toFixed(0)} ms, peak RSS ${memory.peakMB.toFixed(0)} MB (+${memory.deltaMB.toFixed(0)} MB over ${memory.baselineMB.toFixed(0)} MB before planning); in bun: +${memoryBun.deltaMB.toFixed(0)} MB RSS`);
  log(`  cold start \`bun tasks/cli.ts plan\` (10 endpoints): min ${cold.minMs.toFixed(0)} ms, median ${cold.medianMs.toFixed(0)} ms; under node+tsx: median ${coldNode.medianMs.toFixed(0)} ms`);
  const fixtures = await fixture();

  // 5. Targets.
  const med = (method: string, n: number, k: "up" | "down"): number => summary.find((s) => s.method === method && s.n === n)?.[k].median ?? NaN;
  const targets: Target[] = [];
  for (const n of ns.filter((x) => x >= 100)) {
    const u = med("underlay", n, "up");
    const ud = med("underlay", n, "down");
    targets.push({ what: `up N=${n}: underlay / hand-written`, value: (u / med("hand-written", n, "up")).toFixed(2), bound: "≤ 1.25", met: u / med("hand-written", n, "up") <= 1.25 });
    targets.push({ what: `up N=${n}: naive / underlay`, value: (med("naive", n, "up") / u).toFixed(1), bound: "≥ 10", met: med("naive", n, "up") / u >= 10 });
    targets.push({ what: `up N=${n}: CNI / underlay`, value: (med("cni", n, "up") / u).toFixed(1), bound: "≥ 5", met: med("cni", n, "up") / u >= 5 });
    targets.push({ what: `down N=${n}: underlay / netns-del batch`, value: (ud / med("hand-written", n, "down")).toFixed(2), bound: "≤ 1.5", met: ud / med("hand-written", n, "down") <= 1.5 });
    targets.push({ what: `down N=${n}: CNI DEL / underlay`, value: (med("cni", n, "down") / ud).toFixed(0), bound: "≥ 50", met: med("cni", n, "down") / ud >= 50 });
  }
  if (floorBin !== null) {
    for (const n of ns.filter((x) => x >= 100)) {
      for (const m of ["netlink (bun)", "netlink (deno)"]) {
        const up = med(m, n, "up") / med("floor", n, "up");
        const down = med(m, n, "down") / med("floor", n, "down");
        targets.push({ what: `up N=${n}: ${m} / raw-netlink floor`, value: up.toFixed(2), bound: "≤ 1.5", met: up <= 1.5 });
        targets.push({ what: `down N=${n}: ${m} / raw-netlink floor`, value: down.toFixed(2), bound: "≤ 2", met: down <= 2 });
        const upFirst = med(`${m}, 1st lab`, n, "up") / med("floor", n, "up");
        targets.push({ what: `  … a process's first lab: up N=${n}`, value: upFirst.toFixed(2), bound: "≤ 1.5", met: upFirst <= 1.5 });
      }
    }
    const floor3 = lab3Of("floor", "steady");
    for (const m of ["netlink (bun)", "netlink (deno)"]) {
      const r3 = lab3Of(m, "steady") / floor3;
      targets.push({ what: `3-endpoint lab up+down: ${m} / floor`, value: r3.toFixed(2), bound: "≤ 2", met: r3 <= 2 });
      const cold = lab3Of(m, "first") / floor3;
      targets.push({ what: `  … a process's first lab: ${m} / floor`, value: cold.toFixed(2), bound: "≤ 2", met: cold <= 2 });
    }
  }
  for (const n of ns) {
    const rssOf = (m: string): number => medianOf(peaks.filter((c) => c.method === m && c.n === n).map((c) => c.peakRssMB));
    if (n === biggest) targets.push({ what: `peak RSS N=${n}: netlink (bun) vs iproute2 (bun)`, value: `${rssOf("netlink (bun)").toFixed(0)} / ${rssOf("iproute2 (bun)").toFixed(0)} MB`, bound: "no worse", met: rssOf("netlink (bun)") <= rssOf("iproute2 (bun)") * 1.05 });
  }
  targets.push({ what: `N=${growthN}: last 10% / first 10% of endpoints, ms each (median of ${reps})`, value: (lastTenth / firstTenth).toFixed(2), bound: "≤ 1.3", met: lastTenth / firstTenth <= 1.3 });
  const big = reUps.filter((r) => r.n === biggest);
  const reRatio = stat(big.map((r) => r.reUpMs / r.upMs)).median;
  targets.push({ what: `no-op re-up N=${biggest} / first up`, value: `${(reRatio * 100).toFixed(1)}%`, bound: "< 10%", met: reRatio < 0.1 });
  const p10k = plans.find((p) => p.name === "plan 10000 endpoints");
  targets.push({ what: "plan 10,000 endpoints (tinybench mean)", value: `${p10k?.meanMs.toFixed(0)} ms`, bound: "< 200 ms", met: (p10k?.meanMs ?? Infinity) < 200 });
  targets.push({ what: "planning memory for 10,000 endpoints (node RSS growth)", value: `${memory.deltaMB.toFixed(0)} MB`, bound: "< 100 MB", met: memory.deltaMB < 100 });
  targets.push({ what: "cold start `bun tasks/cli.ts plan` (median)", value: `${cold.medianMs.toFixed(0)} ms`, bound: "< 300 ms", met: cold.medianMs < 300 });
  log("\nTargets:");
  for (const t of targets) log(`  ${t.met ? "✓" : "✗"} ${t.what.padEnd(46)} ${t.value.padStart(8)}  (${t.bound})`);

  const out = { at: new Date().toISOString(), environment: env, runtime: runtimeName(), rows, summary, cpu, lab3, growth: { n: growthN, reps, ratios: profiles.map((p) => p.lastTenth / p.firstTenth), upMs: profile.upMs, firstTenthMs: firstTenth, lastTenthMs: lastTenth, perEndpoint: profile.perEndpoint }, reUps, observeMsPerNs, micro: [...plans, ...diff], ipam, memory, memoryBun, coldStart: { bun: cold, node: coldNode }, fixture: fixtures, targets };
  mkdirSync(join(root, "bench-results"), { recursive: true });
  writeFileSync(join(root, "bench-results/latest.json"), `${JSON.stringify(out, null, 2)}\n`);
  if (values.json) console.log(JSON.stringify(out));
  else log(`\nwritten: bench-results/latest.json`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => process.exit(code), (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
