/**
 * Teardown by name: a lab's owned namespaces deleted in one batch per phase, newest first.
 * @module
 */
import type { Executor } from "../executor/types.ts";
import type { NetnsDel } from "../plan/ops/types.ts";
import type { EventListener } from "./events.ts";
import { alreadyGone } from "./hints.ts";

/**
 * Deletes owned namespaces given by name, newest phase first: one batch of namespace deletions
 * per phase, going on past failures; a namespace already gone counts as deleted. This is what
 * {@link undoOps} does for namespace steps, from a compact teardown list. `op-undone` events are
 * built only for a listener.
 *
 * @example
 * ```ts
 * const { undone, failed } = await deleteNamespaces(localExecutor(), [[3, ["demo-a", "demo-b"]], [0, ["demo-host"]]], null);
 * // undone: ["netns:demo-a", "netns:demo-b", "netns:demo-host"]
 * ```
 */
export async function deleteNamespaces(
  executor: Executor,
  phases: readonly (readonly [number, readonly string[]])[],
  listener: EventListener | null,
): Promise<{ readonly undone: string[]; readonly failed: { readonly id: string; readonly stderr: string }[] }> {
  const undone: string[] = [];
  const failed: { id: string; stderr: string }[] = [];
  for (const [, names] of [...phases].sort((a, b) => b[0] - a[0])) {
    if (names.length === 0) continue;
    const steps = names.map((name): NetnsDel => ({ kind: "netns-del", netns: null, name }));
    const t0 = performance.now();
    const [answer] = await executor.apply([{ netns: null, steps }], { keepGoing: true, concurrency: 1 });
    const ms = (performance.now() - t0) / names.length;
    const bad = new Map((answer?.failures ?? []).map((x) => [x.index, x.message]));
    names.forEach((name, i) => {
      const err = bad.get(i);
      if (err === undefined || alreadyGone(err)) {
        undone.push(`netns:${name}`);
        listener?.({ type: "op-undone", id: `netns:${name}`, summary: `create namespace ${name}`, ms });
      } else {
        failed.push({ id: `netns:${name}`, stderr: err });
      }
    });
  }
  return { undone, failed };
}
