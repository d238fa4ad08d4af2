/**
 * Where underlay keeps its files: journals, locks, the lab registry.
 * @module
 */
import { join } from "node:path";

/**
 * Default state directory: `$UNDERLAY_STATE_DIR` or `/run/underlay`.
 *
 * @example
 * ```ts
 * defaultStateDir(); // "/run/underlay"
 * ```
 */
export function defaultStateDir(): string {
  return process.env.UNDERLAY_STATE_DIR ?? "/run/underlay";
}

/** Path of a lab's journal. */
export function journalPath(stateDir: string, lab: string): string {
  return join(stateDir, `${lab}.journal`);
}

/** Path of a lab's teardown list (written with the compacted journal, removed when a run begins). */
export function teardownPath(stateDir: string, lab: string): string {
  return join(stateDir, `${lab}.down`);
}
