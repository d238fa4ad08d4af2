/**
 * Where underlay keeps its files: journals, locks, the lab registry.
 * @module
 */

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
