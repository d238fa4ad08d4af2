/**
 * Bounded concurrency: map over items with at most `limit` calls in flight, keeping order.
 * @module
 */

/**
 * Runs `fn` on every item, at most `limit` at a time, and resolves with the results in input
 * order. Rejects with the first error (calls already started are left to finish).
 *
 * @example
 * ```ts
 * const states = await mapBounded(["a", "b", "c"], 2, (ns) => readOne(ns));
 * ```
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const width = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
