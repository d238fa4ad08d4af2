/**
 * The undo stack of a task run: labs applied and undo steps registered, rolled back newest first
 * when a task fails. An entry can be retired (a lab the task tore down itself).
 * @module
 */
import { toError } from "../../sdk/errors.ts";
import type { TaskEvent } from "./types.ts";

/** A registered undo step. */
export interface UndoHandle {
  /** Removes the step from the stack (it is no longer needed). */
  retire(): void;
}

/** Outcome of unwinding. */
export interface UnwindResult {
  /** Labels undone, in the order they ran. */
  readonly undone: readonly string[];
  /** Steps whose undo threw. */
  readonly failed: readonly { readonly label: string; readonly message: string }[];
}

/** An undo stack. */
export interface UndoStack {
  /** Registers a step; returns a handle to retire it. */
  push(label: string, undo: () => unknown): UndoHandle;
  /** Labels of live (not retired, not undone) entries, oldest first. */
  pending(): string[];
  /** Runs every live entry newest first; keeps going past failures. */
  unwind(reason: string, emit: (e: TaskEvent) => void): Promise<UnwindResult>;
}

/**
 * Creates an empty undo stack.
 *
 * @example
 * ```ts
 * const stack = undoStack();
 * stack.push("lab demo", () => result.down());
 * await stack.unwind("task smoke failed", console.log);
 * ```
 */
export function undoStack(): UndoStack {
  const entries: { label: string; undo: () => unknown; live: boolean }[] = [];
  return {
    push(label, undo) {
      const entry = { label, undo, live: true };
      entries.push(entry);
      return { retire: () => void (entry.live = false) };
    },
    pending() {
      return entries.filter((e) => e.live).map((e) => e.label);
    },
    async unwind(reason, emit) {
      const live = entries.filter((e) => e.live).reverse();
      const undone: string[] = [];
      const failed: { label: string; message: string }[] = [];
      emit({ type: "undo-start", count: live.length, reason });
      for (const e of live) {
        e.live = false;
        const t0 = performance.now();
        try {
          await e.undo();
          undone.push(e.label);
          emit({ type: "undo-done", label: e.label, ms: performance.now() - t0 });
        } catch (err) {
          const message = toError(err).message;
          failed.push({ label: e.label, message });
          emit({ type: "undo-failed", label: e.label, message });
        }
      }
      emit({ type: "undo-end", ok: failed.length === 0 });
      return { undone, failed };
    },
  };
}
