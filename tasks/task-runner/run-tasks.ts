/**
 * Runs a target task and its deps: deps first, independent tasks concurrently (bounded), and —
 * if a task fails or the run is interrupted — rolls back newest first what earlier tasks of the
 * run did (labs applied with `ctx.apply`, `undo` steps of completed tasks, `ctx.onUndo` steps),
 * unless `keep`. After a successful run, applied labs stay up.
 * @module
 */
import { up, UnderlayError, type UnderlayErrorCode } from "../../sdk/index.ts";
import { toError } from "../../sdk/errors.ts";
import { trapSignals } from "../../sdk/runner/signals.ts";
import { taskContext, type RunShared } from "./context.ts";
import { executionOrder } from "./graph.ts";
import { undoStack, type UnwindResult } from "./undo-stack.ts";
import type { RunTasksOptions, RunTasksResult, TaskDefinition, TaskSet } from "./types.ts";

const noop = (): void => {};
const PASS_THROUGH: ReadonlySet<UnderlayErrorCode> = new Set(["USAGE", "INVALID_SPEC", "POOL_EXHAUSTED"]);

function rollbackText(keep: boolean, kept: readonly string[], unwound: UnwindResult | null): string {
  if (keep) return kept.length === 0 ? "--keep: nothing to keep" : `--keep: left in place: ${kept.join(", ")} — tear down with \`underlay down <lab.ts>\` when done`;
  if (unwound === null || unwound.undone.length + unwound.failed.length === 0) return "nothing to roll back";
  if (unwound.failed.length === 0) return `rolled back ${unwound.undone.length} step${unwound.undone.length === 1 ? "" : "s"}, newest first: ${unwound.undone.join(", ")}`;
  return `ROLLBACK INCOMPLETE — ${unwound.failed.map((f) => `${f.label} (${f.message})`).join("; ")}${unwound.undone.length > 0 ? `; rolled back: ${unwound.undone.join(", ")}` : ""} — fix the cause, then run \`underlay down\` for the labs left`;
}

/**
 * Runs `target` with its deps. Throws an `UnderlayError` after rolling back (code `STEP_FAILED`,
 * `ROLLBACK_FAILED`, `ABORTED`, or the failing task's own `USAGE`/`INVALID_SPEC`), whose
 * `details` name the failed task, the skipped tasks and what was rolled back.
 *
 * @example
 * ```ts
 * const tasks = defineTasks({ a: { run: () => 1 }, b: { deps: ["a"], run: (ctx) => ctx.results.get("a") } });
 * const { results } = await runTasks(tasks, "b"); // results.get("b") === 1
 * ```
 */
export async function runTasks(set: TaskSet, target: string, options: RunTasksOptions = {}): Promise<RunTasksResult> {
  const t0 = performance.now();
  const order = executionOrder(set.tasks, target);
  const emit = options.onEvent ?? noop;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const controller = new AbortController();
  const results = new Map<string, unknown>();
  const stack = undoStack();
  const shared: RunShared = {
    dryRun: options.dryRun ?? false,
    args: options.args ?? [],
    signal: controller.signal,
    results,
    stack,
    emit,
    applyLab: options.applyLab ?? up,
    applyDefaults: options.applyDefaults ?? {},
    labsUp: new Set(),
  };
  const signals = trapSignals(controller, options.handleSignals === true);
  const status = new Map<string, "pending" | "running" | "done" | "failed">(order.map((n) => [n, "pending"]));
  const started: string[] = [];
  const run = { failure: null as { task: string; error: unknown } | null };

  const runOne = async (name: string): Promise<void> => {
    const def = set.tasks[name] as TaskDefinition;
    const ctx = taskContext(name, shared);
    const t = performance.now();
    emit({ type: "task-start", task: name, index: started.length, total: order.length });
    try {
      const value: unknown = await def.run(ctx);
      results.set(name, value);
      status.set(name, "done");
      if (def.undo !== undefined) {
        const undo = def.undo.bind(def);
        stack.push(`undo ${name}`, () => undo(ctx));
      }
      emit({ type: "task-done", task: name, ms: performance.now() - t });
    } catch (e) {
      status.set(name, "failed");
      run.failure ??= { task: name, error: e };
      emit({ type: "task-failed", task: name, ms: performance.now() - t, message: toError(e).message });
      if (!controller.signal.aborted) controller.abort(new UnderlayError("ABORTED", `task ${name} failed`));
    }
  };

  emit({ type: "run-start", target, order, dryRun: shared.dryRun });
  try {
    const running = new Map<string, Promise<void>>();
    for (;;) {
      if (run.failure === null && !controller.signal.aborted) {
        for (const name of order) {
          if (running.size >= concurrency) break;
          if (status.get(name) !== "pending") continue;
          if (!(set.tasks[name]?.deps ?? []).every((d) => status.get(d) === "done")) continue;
          status.set(name, "running");
          started.push(name);
          running.set(name, runOne(name).finally(() => running.delete(name)));
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }

    const skipped = order.filter((n) => status.get(n) === "pending");
    const failure = run.failure;
    const sig = signals.caught();
    if (failure === null && sig === null) {
      emit({ type: "run-end", ok: true, ms: performance.now() - t0 });
      return { order: started, results, labsUp: [...shared.labsUp], ms: performance.now() - t0 };
    }
    const reason = failure !== null ? `task ${failure.task} failed` : `interrupted by ${sig}`;
    for (const n of skipped) emit({ type: "task-skipped", task: n, reason });
    const keep = options.keep === true;
    const kept = stack.pending();
    const unwound = keep ? null : await stack.unwind(reason, emit);
    const rb = rollbackText(keep, kept, unwound);
    const rolledBack = keep ? false : unwound?.failed.length === 0;
    const details = { task: failure?.task ?? null, skipped, undone: unwound?.undone ?? [], undoFailed: unwound?.failed ?? [], kept: keep ? kept : [], signal: sig };
    emit({ type: "run-end", ok: false, ms: performance.now() - t0 });
    if (failure === null || sig !== null) {
      throw new UnderlayError("ABORTED", `run of ${target} interrupted by ${sig ?? "a signal"}${failure === null ? "" : ` (task ${failure.task}: ${toError(failure.error).message})`}\n${rb}`, { rolledBack, details, ...(failure === null ? {} : { cause: failure.error }) });
    }
    const inner = failure.error;
    const code: UnderlayErrorCode =
      unwound !== null && unwound.failed.length > 0 ? "ROLLBACK_FAILED" : inner instanceof UnderlayError && PASS_THROUGH.has(inner.code) ? inner.code : "STEP_FAILED";
    const skippedText = skipped.length > 0 ? ` (not run: ${skipped.join(", ")})` : "";
    throw new UnderlayError(code, `task ${failure.task} failed: ${toError(inner).message}${skippedText}\n${rb}`, {
      rolledBack,
      details,
      cause: inner,
      ...(inner instanceof UnderlayError && inner.issues.length > 0 ? { issues: inner.issues } : {}),
    });
  } finally {
    signals.remove();
  }
}
