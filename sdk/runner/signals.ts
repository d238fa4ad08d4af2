/**
 * SIGINT/SIGTERM during a run: abort the run (so it rolls back), remember the signal, and let the
 * caller re-raise it once the rollback is done.
 * @module
 */
import { UnderlayError } from "../errors.ts";

/** A trap on SIGINT/SIGTERM. */
export interface SignalTrap {
  /** The first signal caught, or `null`. */
  caught(): NodeJS.Signals | null;
  /** Removes the handlers. */
  remove(): void;
}

/**
 * Aborts `controller` on SIGINT or SIGTERM (when `enabled`), remembering the first signal.
 *
 * @example
 * ```ts
 * const trap = trapSignals(controller, true);
 * try { await work(controller.signal); } finally { trap.remove(); const s = trap.caught(); if (s) process.kill(process.pid, s); }
 * ```
 */
export function trapSignals(controller: AbortController, enabled: boolean): SignalTrap {
  let caught: NodeJS.Signals | null = null;
  if (!enabled) return { caught: () => null, remove: () => {} };
  const handler = (sig: NodeJS.Signals): void => {
    caught ??= sig;
    controller.abort(new UnderlayError("ABORTED", `received ${sig}`));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    caught: () => caught,
    remove: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
