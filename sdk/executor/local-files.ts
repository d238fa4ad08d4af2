/**
 * The file steps of a plan (`hosts-file`, `hosts-remove`) carried out in-process with `node:fs`
 * by the local executor, instead of one `sh` per step: writing or removing a few small files
 * costs microseconds, a process costs milliseconds. Remote executors (the qemu guest) still run
 * the steps' `sh -c` rendering. Other steps pass through to the wrapped `apply`.
 * @module
 */
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { netnsDir } from "../plan/ops/hosts.ts";
import type { HostsFile, HostsRemove, Step } from "../plan/ops/types.ts";
import type { ApplyOptions, BatchOutcome, StepBatch, StepError } from "./types.ts";

/** A step that only touches files. */
export type FileStep = HostsFile | HostsRemove;

/**
 * Whether a step only touches files (and can be carried out in-process).
 *
 * @example
 * ```ts
 * isFileStep({ kind: "hosts-remove", netns: null, namespaces: ["demo-web"] }); // true
 * ```
 */
export function isFileStep(step: Step): step is FileStep {
  return step.kind === "hosts-file" || step.kind === "hosts-remove";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Carries out one file step: writes `/etc/netns/<ns>/hosts` for every namespace of a
 * `hosts-file` step (directories 0755, files 0644, as the shell rendering does), or removes them
 * (and each directory left empty) for `hosts-remove`. Returns `null`, or what went wrong.
 *
 * @example
 * ```ts
 * fileStep({ kind: "hosts-remove", netns: null, namespaces: ["demo-web"] }); // null
 * ```
 */
export function fileStep(step: FileStep): string | null {
  for (const ns of step.namespaces) {
    const dir = netnsDir(ns);
    const file = `${dir}/hosts`;
    try {
      if (step.kind === "hosts-file") {
        mkdirSync(dir, { recursive: true, mode: 0o755 });
        // The shell rendering reads the content with $(cat), which drops trailing newlines, and writes one.
        writeFileSync(file, `${step.content.replace(/\n+$/, "")}\n`, { mode: 0o644 });
      } else {
        rmSync(file, { force: true });
        try {
          rmdirSync(dir);
        } catch {
          /* not empty (someone else's files) or already gone: keep it */
        }
      }
    } catch (e) {
      return `cannot ${step.kind === "hosts-file" ? "write" : "remove"} ${file}: ${message(e)}`;
    }
  }
  return null;
}

/**
 * Wraps an `apply`: file steps run in-process, in order with the batch's other steps, which go
 * to `inner` (batches without file steps go to it together, as before). Failures keep their
 * positions in the batch; without `keepGoing` a batch stops at its first failure.
 *
 * @example
 * ```ts
 * const apply = withLocalFiles((batches, options) => applyWithIproute2(runner, batches, options));
 * ```
 */
export function withLocalFiles(
  inner: (batches: readonly StepBatch[], options: ApplyOptions) => Promise<BatchOutcome[]>,
): (batches: readonly StepBatch[], options: ApplyOptions) => Promise<BatchOutcome[]> {
  const mixed = async (batch: StepBatch, options: ApplyOptions): Promise<BatchOutcome> => {
    const t0 = performance.now();
    const failures: StepError[] = [];
    let uncertain = false;
    for (let from = 0; from < batch.steps.length; ) {
      const files = isFileStep(batch.steps[from] as Step);
      let to = from;
      while (to < batch.steps.length && isFileStep(batch.steps[to] as Step) === files) to++;
      const part = batch.steps.slice(from, to);
      if (files) {
        for (let i = 0; i < part.length && (options.keepGoing || failures.length === 0); i++) {
          const m = fileStep(part[i] as FileStep);
          if (m !== null) failures.push({ index: from + i, message: m });
        }
      } else {
        const [outcome] = await inner([{ netns: batch.netns, steps: part }], { ...options, concurrency: 1 });
        for (const f of outcome?.failures ?? [{ index: 0, message: "the executor gave no answer" }]) failures.push({ index: from + f.index, message: f.message });
        uncertain ||= outcome?.uncertain === true;
      }
      if (failures.length > 0 && !options.keepGoing) break;
      from = to;
    }
    const ms = performance.now() - t0;
    return uncertain ? { failures, uncertain, ms } : { failures, ms };
  };
  return async (batches, options) => {
    const plain = batches.map((b, i) => [b, i] as const).filter(([b]) => !b.steps.some(isFileStep));
    if (plain.length === batches.length) return inner(batches, options);
    const out: BatchOutcome[] = new Array(batches.length);
    const [answers] = await Promise.all([
      plain.length === 0 ? Promise.resolve([]) : inner(plain.map(([b]) => b), options),
      (async () => {
        for (let i = 0; i < batches.length; i++) if ((batches[i] as StepBatch).steps.some(isFileStep)) out[i] = await mixed(batches[i] as StepBatch, options);
      })(),
    ]);
    plain.forEach(([, i], k) => (out[i] = answers[k] ?? { failures: [{ index: 0, message: "the executor gave no answer" }] }));
    return out;
  };
}
