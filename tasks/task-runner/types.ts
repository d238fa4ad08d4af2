/**
 * Types of the task runner: task definitions, the context a task receives, the events a run
 * reports and the options of a run.
 * @module
 */
import type { $ } from "zx";
import type { lab, LabBuilder, net, RunEvent, UpOptions, UpResult } from "../../sdk/index.ts";

/** A lab as the task runner needs it: what `lab(...)` builds (or any object with the same shape). */
export type LabLike = Pick<LabBuilder, "name" | "spec" | "plan">;

/** Options of {@link TaskContext.apply}: everything of `up` except progress and cancellation, which the runner wires. */
export type ApplyOptions = Omit<UpOptions, "onEvent" | "signal">;

/** Applies a lab (default: the SDK's `up`); injectable so the runner's logic is testable without root. */
export type ApplyLab = (lab: LabLike, options: UpOptions) => Promise<UpResult>;

/**
 * What a task's `run` and `undo` receive.
 *
 * @example
 * ```ts
 * defineTasks({ demo: { run: async (ctx) => { const up = await ctx.apply(ctx.lab("x", { host: "x-host", sandbox: true })); ctx.log(`${up.changed} steps`); } } });
 * ```
 */
export interface TaskContext {
  /** This task's name. */
  readonly task: string;
  /** The SDK's network builders (`ctx.net.macvlan(...)`). */
  readonly net: typeof net;
  /** The SDK's lab builder (`ctx.lab(name, options)`). */
  readonly lab: typeof lab;
  /** zx's `$` for shell commands. */
  readonly $: typeof $;
  /** Prints a line through the progress display (or as an NDJSON `log` event). */
  log(...parts: readonly unknown[]): void;
  /**
   * Brings a lab up with progress on the display and registers its teardown: if a later task of
   * the run fails, the lab is torn down (newest first, with the registered undos) unless `--keep`.
   * A lab that was already fully up (no change) is not registered: this run did not create it.
   * Calling `down()` on the result tears it down and unregisters it. After a successful run,
   * applied labs stay up.
   */
  apply(lab: LabLike, options?: ApplyOptions): Promise<UpResult>;
  /** Registers an extra undo step (rolled back with the labs if a later task fails). */
  onUndo(label: string, undo: () => unknown): void;
  /** `--dry-run`: `apply` only reports; tasks should not change anything themselves. */
  readonly dryRun: boolean;
  /** Arguments after the task name (`underlay run bench -- --quick` → `["--quick"]`). */
  readonly args: readonly string[];
  /** Aborted when another task of the run failed or the run was interrupted. */
  readonly signal: AbortSignal;
  /** Values returned by tasks that completed earlier in this run (the deps, at least). */
  readonly results: ReadonlyMap<string, unknown>;
}

/** One task. */
export interface TaskDefinition {
  /** One line for `underlay run --list`. */
  readonly description?: string;
  /** Tasks that must complete first, in the order they should start. */
  readonly deps?: readonly string[];
  /** The work. Its return value is stored in `ctx.results` for later tasks. */
  run(ctx: TaskContext): unknown;
  /** Reverses the work if a later task of the same run fails (not called if `run` itself failed). */
  undo?(ctx: TaskContext): unknown;
}

/** A validated set of tasks, as returned by `defineTasks`. */
export interface TaskSet {
  /** Brand that identifies a task set across module instances. */
  readonly kind: "underlay-tasks";
  /** The tasks by name, in definition order. */
  readonly tasks: Readonly<Record<string, TaskDefinition>>;
}

/** Progress of a run. Lab progress arrives wrapped in `lab-event`. */
export type TaskEvent =
  | { readonly type: "run-start"; readonly target: string; readonly order: readonly string[]; readonly dryRun: boolean }
  | { readonly type: "task-start"; readonly task: string; readonly index: number; readonly total: number }
  | { readonly type: "task-done"; readonly task: string; readonly ms: number }
  | { readonly type: "task-failed"; readonly task: string; readonly ms: number; readonly message: string }
  | { readonly type: "task-skipped"; readonly task: string; readonly reason: string }
  | { readonly type: "log"; readonly task: string; readonly message: string }
  | { readonly type: "lab-event"; readonly task: string; readonly event: RunEvent }
  | { readonly type: "undo-start"; readonly count: number; readonly reason: string }
  | { readonly type: "undo-done"; readonly label: string; readonly ms: number }
  | { readonly type: "undo-failed"; readonly label: string; readonly message: string }
  | { readonly type: "undo-end"; readonly ok: boolean }
  | { readonly type: "run-end"; readonly ok: boolean; readonly ms: number };

/** Options of {@link runTasks}. */
export interface RunTasksOptions {
  /** Report-only run (`ctx.dryRun`; labs are applied with `dryRun: true`). */
  readonly dryRun?: boolean;
  /** On failure, leave what earlier tasks did in place (no rollback). */
  readonly keep?: boolean;
  /** `ctx.args`. */
  readonly args?: readonly string[];
  /** Tasks running at once at most (default 2). */
  readonly concurrency?: number;
  /** Progress. */
  readonly onEvent?: (event: TaskEvent) => void;
  /** Options merged into every `ctx.apply` (executor, stateDir, …). */
  readonly applyDefaults?: ApplyOptions;
  /** How labs are applied (default: the SDK's `up`). */
  readonly applyLab?: ApplyLab;
  /** Roll back and stop on SIGINT/SIGTERM (default `false`; the CLI turns it on). */
  readonly handleSignals?: boolean;
}

/** Result of a successful run. */
export interface RunTasksResult {
  /** Tasks run, in start order. */
  readonly order: readonly string[];
  /** Value returned by each task. */
  readonly results: ReadonlyMap<string, unknown>;
  /** Labs applied during the run that are still up (name list). */
  readonly labsUp: readonly string[];
  /** Wall time in ms. */
  readonly ms: number;
}
