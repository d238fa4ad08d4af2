/**
 * Performance baselines for the benchmark suite: the best hand-written iproute2, a naive shell
 * script, and the CNI reference plugins, each building N macvlan endpoints in a sandbox.
 *
 * CLI: `bun tasks/bench/baselines/index.ts --n 10,100 --reps 3` (also `tsx`, `deno run -A`).
 *
 * @example
 * ```ts
 * import { runBaselines, summarize, formatTable } from "./tasks/bench/baselines/index.ts";
 * console.log(formatTable(summarize(await runBaselines({ ns: [100], reps: 3 }))));
 * ```
 * @module
 */
import { realpathSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { main } from "./cli.ts";

export { main, parseCli, type CliOptions } from "./cli.ts";
export { CNI_PATH, cniConfig, cniEnv, ensureCniPlugins, runCni, type CniOptions } from "./cni.ts";
export { describeEnvironment, detectRuntime, formatEnvironment, type BenchEnvironment } from "./environment.ts";
export { exec, inNetns, isStopping, stopRunning, type ExecOptions, type Executed } from "./exec.ts";
export { handWrittenScripts, runHandWritten, type HandWrittenOptions, type HandWrittenScripts } from "./hand-written.ts";
export { naiveScripts, runNaive, type NaiveScripts } from "./naive.ts";
export { BASELINES, runBaselines, selectBaselines, type RunBaselinesOptions } from "./run-baselines.ts";
export {
  checkOptions,
  checkPrefix,
  createSandbox,
  endpointCidr,
  endpointNetns,
  GATEWAY,
  hostNetns,
  PARENT,
  removeActiveSandboxes,
  removeSandbox,
  sandboxNetns,
  sandboxPrefix,
  SUBNET,
  withSandbox,
} from "./sandbox.ts";
export { formatTable, stat, summarize, type BaselineRow, type Stat, type SummaryRow } from "./summary.ts";
export type { BaselineOptions, BaselineResult, BaselineRunner } from "./types.ts";

/** True when this file is the program's entry (Bun/Deno `import.meta.main`, else argv[1]). */
function isEntry(): boolean {
  const flag = (import.meta as { main?: unknown }).main;
  if (typeof flag === "boolean") return flag;
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  process.exitCode = await main(process.argv.slice(2));
}
