/**
 * tinybench micro-benchmarks: planning (10, 1,000, 10,000 endpoints) and state diffing (the
 * facts of a plan against a live state read from the kernel).
 */
import { Bench } from "tinybench";
import { diffFacts } from "../../sdk/state/diff.ts";
import type { LiveState } from "../../sdk/state/types.ts";
import type { Fact } from "../../sdk/index.ts";
import { benchLab } from "./underlay-run.ts";

/** One micro-benchmark result. */
export interface MicroResult {
  /** Task name. */
  readonly name: string;
  /** Mean ms per run. */
  readonly meanMs: number;
  /** Fastest run in ms. */
  readonly minMs: number;
  /** Runs measured. */
  readonly runs: number;
}

function results(bench: Bench): MicroResult[] {
  return bench.tasks.map((t) => {
    const r = t.result as { latency?: { mean?: number; min?: number; samplesCount?: number } } | undefined;
    return { name: t.name, meanMs: r?.latency?.mean ?? NaN, minMs: r?.latency?.min ?? NaN, runs: r?.latency?.samplesCount ?? 0 };
  });
}

/** Plans labs of 10, 1,000 and 10,000 endpoints (the builders are made once, outside timing). */
export async function planBench(): Promise<MicroResult[]> {
  const labs = new Map([10, 1000, 10000].map((n) => [n, benchLab("ubp", n)]));
  const bench = new Bench({ time: 1500, iterations: 5, warmup: true });
  for (const [n, l] of labs) bench.add(`plan ${n} endpoints`, () => void l.plan());
  await bench.run();
  return results(bench);
}

/** Diffs a plan's facts against a live state. */
export async function diffBench(facts: readonly Fact[], state: LiveState, label: string): Promise<MicroResult[]> {
  const bench = new Bench({ time: 1000, iterations: 5, warmup: true });
  bench.add(`diff ${facts.length} facts (${label})`, () => void diffFacts(facts, state));
  await bench.run();
  return results(bench);
}
