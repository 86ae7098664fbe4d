/**
 * Runs `fn` over `items` with at most `limit` calls in flight, and returns the results in the order of `items`.
 * Used wherever many small remote calls go out at once (provider reads, Cosmos writes and deletes), so that a large
 * input neither runs one call at a time nor floods the remote service.
 *
 * The first failure rejects the whole call; no new item is started after it (calls already in flight finish).
 * Callers that want every outcome catch inside `fn`.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
