/**
 * An executor wrapper that makes exactly one plan step fail, for fault injection: batches that do
 * not carry the target step go to the real executor untouched; in the batch that does, the steps
 * before the target really run (through the real executor) and the target is reported failed, the
 * way any executor reports a failed step. Works the same around every executor (iproute2, qemu,
 * netlink), because it sits at the level of typed steps.
 */
import type { BatchOutcome, Executor, Op, StepBatch } from "../../sdk/index.ts";

/** A wrapper that fails the step `target` (the first batch holding it). */
export function failingAt(inner: Executor, target: Op): Executor & { readonly hit: () => boolean } {
  let hit = false;
  const carries = (b: StepBatch): number => (hit ? -1 : b.steps.findIndex((s) => s === target || ("id" in s && s.id === target.id && s.kind === target.kind)));
  const wrapper: Executor & { readonly hit: () => boolean } = {
    name: inner.name,
    hit: () => hit,
    run: (c) => inner.run(c),
    ...(inner.runMany === undefined ? {} : { runMany: (c: Parameters<NonNullable<Executor["runMany"]>>[0], n: number) => (inner.runMany as NonNullable<Executor["runMany"]>)(c, n) }),
    async apply(batches, options): Promise<BatchOutcome[]> {
      const at = batches.map(carries);
      const k = at.findIndex((i) => i !== -1);
      if (k === -1) return inner.apply(batches, options);
      hit = true;
      const index = at[k] as number;
      const target = batches[k] as StepBatch;
      const others = batches.filter((_, i) => i !== k);
      const [rest, before] = await Promise.all([
        inner.apply(others, options),
        index === 0 ? Promise.resolve([{ failures: [] }] as BatchOutcome[]) : inner.apply([{ netns: target.netns, steps: target.steps.slice(0, index) }], options),
      ]);
      const prefix = before[0] ?? { failures: [] };
      const mine: BatchOutcome = prefix.failures.length > 0 ? prefix : { failures: [{ index, message: "RTNETLINK answers: Injected fault" }] };
      const out = [...rest];
      out.splice(k, 0, mine);
      return out;
    },
  };
  return wrapper;
}
