/**
 * Fixture latency, against the hand-written baseline doing the same work (`fixture-baseline.ts`):
 *
 * 1. `up` + `down` of a test's 3-endpoint sandboxed lab in this process, through
 *    `underlay/testing` (a fresh name each time, hosts files, journal, lock), interleaved with
 *    the hand-written lab; min/median of `reps` (≥ 10).
 * 2. A generated suite of 8 files × 5 tests, each test with its own lab, run as a whole (the
 *    runner's start included) under vitest with 4 forks and under `bun test --parallel=4`, once
 *    with underlay's fixture and once with the hand-written lab; min/median of `reps`.
 * @module
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { net } from "../../sdk/index.ts";
import { sandboxLab, testLabName, upTestLab } from "../../sdk/testing/index.ts";
import { stat, type Stat } from "./baselines/summary.ts";
import { FIXTURE_ENDPOINTS, handLabDown, handLabUp } from "./fixture-baseline.ts";
import { settleCpu } from "./settle.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Up, down and both, per method. */
export interface LabLatency {
  readonly up: Stat;
  readonly down: Stat;
  readonly total: Stat;
}

/** What {@link fixtureLatency} measured. */
export interface FixtureLatency {
  readonly reps: number;
  readonly underlay: LabLatency;
  readonly handWritten: LabLatency;
}

const pub = net.macvlan("pub").parent("eth0").subnet("10.50.0.0/24");
const build = (name: string) => FIXTURE_ENDPOINTS.reduce((l, e) => l.endpoint(e, pub), sandboxLab(name));

function latency(rows: readonly { readonly up: number; readonly down: number }[]): LabLatency {
  return { up: stat(rows.map((r) => r.up)), down: stat(rows.map((r) => r.down)), total: stat(rows.map((r) => r.up + r.down)) };
}

/**
 * `up` + `down` of the fixture lab in this process, underlay and hand-written interleaved.
 *
 * @example
 * ```ts
 * const r = await fixtureLatency(11); r.underlay.total.median;
 * ```
 */
export async function fixtureLatency(reps: number): Promise<FixtureLatency> {
  const stateDir = mkdtempSync(join(tmpdir(), "underlay-bench-fixture-"));
  const rows = { underlay: [] as { up: number; down: number }[], hand: [] as { up: number; down: number }[] };
  try {
    // One warm-up each (the executor probes the kernel once per process; a test suite pays it once per worker).
    await (await upTestLab(build, { prefix: "bf", up: { stateDir, handleSignals: false } })).down();
    await handLabDown(await handLabUp(testLabName({ prefix: "bh" })));
    for (let i = 0; i < reps; i++) {
      await settleCpu({ maxMs: 1000 });
      let t0 = performance.now();
      const live = await upTestLab(build, { prefix: "bf", up: { stateDir, handleSignals: false } });
      let t1 = performance.now();
      await live.down();
      rows.underlay.push({ up: t1 - t0, down: performance.now() - t1 });
      await settleCpu({ maxMs: 1000 });
      t0 = performance.now();
      const hand = await handLabUp(testLabName({ prefix: "bh" }));
      t1 = performance.now();
      await handLabDown(hand);
      rows.hand.push({ up: t1 - t0, down: performance.now() - t1 });
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
  return { reps, underlay: latency(rows.underlay), handWritten: latency(rows.hand) };
}

/**
 * The generated suite's shared module: a `test` whose function receives `{ lab }`, by underlay or
 * by hand. Each lab's setup and teardown time (what a test waits for) is appended to
 * `$FIXTURE_TIMES` as one JSON line.
 */
function suiteHarness(method: "underlay" | "hand-written"): string {
  const baseline = JSON.stringify(join(root, "tasks/bench/fixture-baseline.ts"));
  const testing = JSON.stringify(join(root, "sdk/testing/index.ts"));
  const sdk = JSON.stringify(join(root, "sdk/index.ts"));
  return `import * as runner from "vitest";
import { appendFileSync } from "node:fs";
import { net } from ${sdk};
import { labFixture, sandboxLab, testLabName } from ${testing};
import { handLabDown, handLabUp } from ${baseline};
const pub = net.macvlan("pub").parent("eth0").subnet("10.50.0.0/24");
const build = (name) => sandboxLab(name).endpoint("a", pub).endpoint("b", pub).endpoint("c", pub);
const hand = async ({}, use) => { const l = await handLabUp(testLabName({ prefix: "bh" })); try { await use(l); } finally { await handLabDown(l); } };
const inner = ${method === "underlay" ? "labFixture(build)" : "hand"};
// The fixture, timed: setup until the test gets its lab, teardown after it.
const timed = async ({ task }, use) => {
  const t0 = performance.now();
  let t1 = 0, t2 = 0;
  await inner({ task }, async (lab) => { t1 = performance.now(); await use(lab); t2 = performance.now(); });
  appendFileSync(process.env.FIXTURE_TIMES, JSON.stringify({ up: t1 - t0, down: performance.now() - t2 }) + "\\n");
};
export const test = "Bun" in globalThis
  ? (title, fn) => runner.test(title, () => timed({}, (lab) => fn({ lab })))
  : runner.test.extend({ lab: timed });
export const expect = runner.expect;
`;
}

/** Writes the suite (`files` × `tests`) into a fresh directory inside the repository (so "vitest" resolves). */
function writeSuite(method: "underlay" | "hand-written", files: number, tests: number, workers: number): string {
  const dir = join(root, "bench-results", `fixture-suite-${randomBytes(3).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "harness.js"), suiteHarness(method));
  writeFileSync(
    join(dir, "vitest.config.js"),
    `export default { test: { include: ["*.test.js"], pool: "forks", maxWorkers: ${workers}, fileParallelism: true, testTimeout: 120000, hookTimeout: 120000 } };\n`,
  );
  for (let f = 0; f < files; f++) {
    const body = Array.from({ length: tests }, (_, t) => `test("lab ${f}.${t}", async ({ lab }) => { expect(lab).toBeTruthy(); });`).join("\n");
    writeFileSync(join(dir, `f${f}.test.js`), `import { expect, test } from "./harness.js";\n${body}\n`);
  }
  return dir;
}

function runSuite(argv: readonly string[], cwd: string, stateDir: string, times: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env: { ...process.env, UNDERLAY_STATE_DIR: stateDir, FIXTURE_TIMES: times, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => out.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`${argv.join(" ")} failed (exit ${code}):\n${Buffer.concat(out).toString("utf8").slice(-3000)}`));
    });
  });
}

/** One suite configuration's wall times. */
export interface SuiteLatency {
  readonly runner: "vitest" | "bun";
  readonly method: "underlay" | "hand-written";
  readonly files: number;
  readonly tests: number;
  readonly workers: number;
  readonly reps: number;
  /** Wall time of the whole run. */
  readonly ms: Stat;
  /** Per lab: setup until the test had it, and teardown after it (every lab of every rep). */
  readonly lab: LabLatency;
}

/**
 * The generated suite under vitest (forks) and `bun test --parallel`, underlay and hand-written,
 * interleaved; wall time of the whole run, min/median of `reps`.
 *
 * @example
 * ```ts
 * const rows = await suiteLatency({ files: 8, tests: 5, workers: 4, reps: 3 });
 * ```
 */
export async function suiteLatency(options: { files: number; tests: number; workers: number; reps: number }): Promise<SuiteLatency[]> {
  const { files, tests, workers, reps } = options;
  const configs = (["vitest", "bun"] as const).flatMap((runner) => (["underlay", "hand-written"] as const).map((method) => ({ runner, method, dir: writeSuite(method, files, tests, workers), times: [] as number[] })));
  const stateDir = mkdtempSync(join(tmpdir(), "underlay-bench-suite-"));
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const c of configs) {
        await settleCpu({ maxMs: 2000 });
        const argv = c.runner === "vitest" ? [join(root, "node_modules/.bin/vitest"), "run", "--root", c.dir] : [join(root, "node_modules/.bin/bun"), "test", `--parallel=${workers}`];
        c.times.push(await runSuite(argv, c.dir, stateDir, join(c.dir, "times.jsonl")));
      }
    }
    return configs.map((c) => {
      const labs = readFileSync(join(c.dir, "times.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { up: number; down: number });
      return { runner: c.runner, method: c.method, files, tests, workers, reps, ms: stat(c.times), lab: latency(labs) };
    });
  } finally {
    for (const c of configs) rmSync(c.dir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * The fixture numbers as printable lines.
 *
 * @example
 * ```ts
 * for (const line of formatFixture(await fixtureLatency(11), await suiteLatency({ files: 8, tests: 5, workers: 4, reps: 3 }))) console.log(line);
 * ```
 */
export function formatFixture(lat: FixtureLatency, suites: readonly SuiteLatency[]): string[] {
  const row = (what: string, l: LabLatency): string =>
    `  ${what.padEnd(26)} up ${l.up.min.toFixed(0).padStart(4)} / ${l.up.median.toFixed(0).padStart(4)} ms   down ${l.down.min.toFixed(0).padStart(3)} / ${l.down.median.toFixed(0).padStart(3)} ms   up+down ${l.total.min.toFixed(0).padStart(4)} / ${l.total.median.toFixed(0).padStart(4)} ms`;
  const lines = [
    `Fixture latency: a 3-endpoint sandboxed lab, up + down in this process (min / median of ${lat.reps}):`,
    row("underlay (underlay/testing)", lat.underlay),
    row("hand-written ip -batch", lat.handWritten),
    `  underlay / hand-written (median up+down): ${(lat.underlay.total.median / lat.handWritten.total.median).toFixed(2)}`,
  ];
  if (suites.length > 0) {
    const first = suites[0] as SuiteLatency;
    lines.push(`Suite of ${first.files} files × ${first.tests} tests, a lab per test, ${first.workers} workers (wall time of the whole run, min / median of ${first.reps}):`);
    for (const runner of ["vitest", "bun"] as const) {
      const u = suites.find((s) => s.runner === runner && s.method === "underlay");
      const h = suites.find((s) => s.runner === runner && s.method === "hand-written");
      if (u === undefined || h === undefined) continue;
      const labs = u.files * u.tests;
      lines.push(
        `  ${(runner === "vitest" ? "vitest (forks)" : "bun test --parallel").padEnd(22)} whole run: underlay ${u.ms.min.toFixed(0)} / ${u.ms.median.toFixed(0)} ms, hand-written ${h.ms.min.toFixed(0)} / ${h.ms.median.toFixed(0)} ms, ratio ${(u.ms.median / h.ms.median).toFixed(2)} (${((u.ms.median - h.ms.median) / labs).toFixed(0)} ms per lab)`,
        `  ${"".padEnd(22)} per lab, as a test waits for it (median up / down / both): underlay ${u.lab.up.median.toFixed(0)} / ${u.lab.down.median.toFixed(0)} / ${u.lab.total.median.toFixed(0)} ms, hand-written ${h.lab.up.median.toFixed(0)} / ${h.lab.down.median.toFixed(0)} / ${h.lab.total.median.toFixed(0)} ms`,
      );
    }
  }
  return lines;
}
