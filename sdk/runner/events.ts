/**
 * Progress events of `up`/`down`: one per step started, finished, failed, skipped and undone.
 * @module
 */

/** A progress event. `index` is the 1-based position among the steps that run. */
export type RunEvent =
  | { readonly type: "start"; readonly action: "up" | "down"; readonly lab: string; readonly total: number; readonly inPlace: number }
  | { readonly type: "op-start"; readonly id: string; readonly index: number; readonly total: number; readonly summary: string; readonly netns: string | null; readonly argv: readonly string[] }
  | { readonly type: "op-done"; readonly id: string; readonly index: number; readonly total: number; readonly summary: string; readonly ms: number }
  | { readonly type: "op-skip"; readonly id: string; readonly summary: string; readonly reason: string }
  | { readonly type: "op-failed"; readonly id: string; readonly index: number; readonly total: number; readonly summary: string; readonly stderr: string }
  | { readonly type: "rollback-start"; readonly count: number; readonly reason: string }
  | { readonly type: "op-undone"; readonly id: string; readonly summary: string; readonly ms: number }
  | { readonly type: "rollback-done"; readonly ok: boolean; readonly failed: readonly string[] }
  | { readonly type: "end"; readonly action: "up" | "down"; readonly lab: string; readonly changed: number; readonly ms: number };

/** A listener for {@link RunEvent}s. */
export type EventListener = (event: RunEvent) => void;

/**
 * The listener of a run that nobody listens to. Per-step events are not even built for it (a
 * step's event renders its iproute2 command line, which a run through the netlink executor has
 * no other use for): see {@link listening}.
 *
 * @example
 * ```ts
 * const emit = options.onEvent ?? silent;
 * ```
 */
export const silent: EventListener = () => {};

/**
 * Whether `emit` is a real listener (not {@link silent}): per-step events are built only then.
 *
 * @example
 * ```ts
 * if (listening(ctx.emit)) for (const op of items) ctx.emit({ type: "op-start", … });
 * ```
 */
export function listening(emit: EventListener): boolean {
  return emit !== silent;
}
