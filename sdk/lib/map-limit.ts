/**
 * Bounded concurrency, in one place: map over items with at most `limit` calls in flight,
 * keeping order.
 * @module
 */

/**
 * Applies `fn` to every item, running at most `limit` at once; resolves with the results in
 * item order. Stops starting new items after the first failure and rejects with it once the
 * items already in flight have settled (so no process is left running behind the caller).
 *
 * @example
 * ```ts
 * const states = await mapLimit(["a", "b", "c"], 2, (ns) => readOne(ns));
 * ```
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const width = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/**
 * Like {@link mapLimit}, but runs every item whatever happens to the others and resolves with
 * each one's outcome.
 *
 * @example
 * ```ts
 * const outcomes = await settleLimit(probes, 8, (p) => ping(p));
 * outcomes.filter((o) => o.status === "rejected").length;
 * ```
 */
export function settleLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  return mapLimit(items, limit, async (item, i): Promise<PromiseSettledResult<R>> => {
    try {
      return { status: "fulfilled", value: await fn(item, i) };
    } catch (reason) {
      return { status: "rejected", reason };
    }
  });
}
