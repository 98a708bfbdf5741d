// Runs an async function over many items with at most `limit` calls in flight, so a batch touching
// thousands of members does not open thousands of requests at once. Results keep the items' order.

/**
 * On the first failure no new call starts, and the returned promise rejects only after every call
 * already started has settled: a caller that cleans up after a failure (the commit's rollback) must
 * know that nothing of the failed work is still about to issue a write behind its back.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let firstError: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (firstError === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        firstError ??= { err };
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(limit, items.length); w++) workers.push(worker());
  await Promise.all(workers);
  if (firstError !== undefined) throw firstError.err;
  return results;
}
