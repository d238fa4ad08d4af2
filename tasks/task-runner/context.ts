/**
 * Builds the {@link TaskContext} each task receives: the SDK, zx's `$`, a log bound to the
 * progress display, and `apply`, which ups a lab and registers its teardown on the run's undo stack.
 * @module
 */
import { format } from "node:util";
import { $ } from "zx";
import { lab, net, type DownOptions, type UpResult } from "../../sdk/index.ts";
import type { UndoHandle, UndoStack } from "./undo-stack.ts";
import type { ApplyLab, ApplyOptions, LabLike, TaskContext, TaskEvent } from "./types.ts";

/** What every task of a run shares. */
export interface RunShared {
  /** `--dry-run`. */
  readonly dryRun: boolean;
  /** `ctx.args`. */
  readonly args: readonly string[];
  /** Aborted on failure or interrupt. */
  readonly signal: AbortSignal;
  /** Results of completed tasks. */
  readonly results: ReadonlyMap<string, unknown>;
  /** The run's undo stack. */
  readonly stack: UndoStack;
  /** Event sink. */
  readonly emit: (event: TaskEvent) => void;
  /** How labs are applied. */
  readonly applyLab: ApplyLab;
  /** Options merged into every apply. */
  readonly applyDefaults: ApplyOptions;
  /** Names of labs applied by this run and still up. */
  readonly labsUp: Set<string>;
}

/**
 * Creates the context of one task.
 *
 * @example
 * ```ts
 * const ctx = taskContext("demo", shared);
 * await definition.run(ctx);
 * ```
 */
export function taskContext(task: string, shared: RunShared): TaskContext {
  const emitLab = (event: Parameters<NonNullable<DownOptions["onEvent"]>>[0]): void => shared.emit({ type: "lab-event", task, event });
  return {
    task,
    net,
    lab,
    $,
    log: (...parts) => shared.emit({ type: "log", task, message: format(...parts) }),
    dryRun: shared.dryRun,
    args: shared.args,
    signal: shared.signal,
    results: shared.results,
    onUndo: (label, undo) => void shared.stack.push(label, undo),
    async apply(l: LabLike, options: ApplyOptions = {}): Promise<UpResult> {
      const r = await shared.applyLab(l, {
        ...shared.applyDefaults,
        ...options,
        dryRun: shared.dryRun || options.dryRun === true,
        signal: shared.signal,
        onEvent: emitLab,
      });
      if (r.dryRun || r.changed === 0) return r;
      shared.labsUp.add(l.name);
      const handle: UndoHandle = shared.stack.push(`lab ${l.name}`, () => r.down({ onEvent: emitLab }));
      const down = (o: DownOptions = {}) => {
        handle.retire();
        shared.labsUp.delete(l.name);
        return r.down({ onEvent: emitLab, ...o });
      };
      return {
        ...r,
        down,
        async [Symbol.asyncDispose]() {
          handle.retire();
          shared.labsUp.delete(l.name);
          await r[Symbol.asyncDispose]();
        },
      };
    },
  };
}
