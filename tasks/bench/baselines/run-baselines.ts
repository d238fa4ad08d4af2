/**
 * Runs the chosen baselines at each `n`, `reps` times, and returns one row per run. Runs are
 * interleaved (every method once per rep) so slow drift of the machine hits all methods alike.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { UnderlayError } from "../../../sdk/errors.ts";
import { runCni } from "./cni.ts";
import { runHandWritten } from "./hand-written.ts";
import { runNaive } from "./naive.ts";
import { sandboxPrefix } from "./sandbox.ts";
import type { BaselineRow } from "./summary.ts";
import type { BaselineResult, BaselineRunner } from "./types.ts";

/**
 * The baselines by name, in the order they run.
 *
 * @example
 * ```ts
 * const r = await BASELINES["hand-written"]({ n: 10, prefix: sandboxPrefix() });
 * ```
 */
export const BASELINES: Readonly<Record<string, BaselineRunner>> = Object.freeze({
  "hand-written": runHandWritten,
  naive: runNaive,
  cni: runCni,
});

/** Options of {@link runBaselines}. */
export interface RunBaselinesOptions {
  /** Endpoint counts to measure, e.g. `[10, 100]`. */
  readonly ns: readonly number[];
  /** Repetitions per method and `n`. */
  readonly reps: number;
  /** Baseline names to run (default all of {@link BASELINES}). */
  readonly which?: readonly string[];
  /** Pause between runs so the kernel finishes freeing the last run's namespaces (default 1000 ms). */
  readonly settleMs?: number;
  /** Stops before the next run when aborted (the current run's cleanup still happens). */
  readonly signal?: AbortSignal;
  /** Called after each run (progress output). */
  readonly onRow?: (row: BaselineRow, result: BaselineResult) => void;
}

/**
 * Checks the names in `which`; throws `USAGE` naming the unknown ones.
 *
 * @example
 * ```ts
 * selectBaselines(["cni"]); // ["cni"]
 * ```
 */
export function selectBaselines(which: readonly string[] | undefined): string[] {
  const known = Object.keys(BASELINES);
  if (which === undefined) return known;
  const unknown = which.filter((w) => !known.includes(w));
  if (unknown.length > 0 || which.length === 0) {
    throw new UnderlayError(
      "USAGE",
      `Invalid baseline ${unknown.length > 0 ? unknown.map((u) => JSON.stringify(u)).join(", ") : "list (empty)"}: expected one or more of ${known.join(", ")}`,
    );
  }
  return [...new Set(which)];
}

/**
 * Runs the baselines and returns `{ method, n, rep, upMs, downMs }` per run. Each run uses its
 * own fresh sandbox and removes it before the next starts.
 *
 * @example
 * ```ts
 * const rows = await runBaselines({ ns: [10, 100], reps: 3, which: ["hand-written", "cni"] });
 * console.log(formatTable(summarize(rows)));
 * ```
 */
export async function runBaselines(opts: RunBaselinesOptions): Promise<BaselineRow[]> {
  const methods = selectBaselines(opts.which);
  if (!Number.isInteger(opts.reps) || opts.reps < 1) {
    throw new UnderlayError("USAGE", `Invalid reps: expected a positive integer but received ${String(opts.reps)}`);
  }
  const settleMs = opts.settleMs ?? 1000;
  const rows: BaselineRow[] = [];
  for (const n of opts.ns) {
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const method of methods) {
        const runner = BASELINES[method] as BaselineRunner;
        if (rows.length > 0 && settleMs > 0) await sleep(settleMs);
        if (opts.signal?.aborted) {
          throw new UnderlayError("ABORTED", `benchmark interrupted after ${rows.length} runs — each run removed its own sandbox`);
        }
        const result = await runner({ n, prefix: sandboxPrefix() });
        const row: BaselineRow = { method, n, rep, upMs: result.upMs, downMs: result.downMs };
        rows.push(row);
        opts.onRow?.(row, result);
      }
    }
  }
  return rows;
}
