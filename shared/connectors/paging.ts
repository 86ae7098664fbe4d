import type { PageRequest, ProviderPage } from './types';

/**
 * Reads a listing page by page until it ends or a limit is hit. Hitting a limit is reported as `partial`, never hidden.
 */
export async function collectPages<T>(
  fetchPage: (page: PageRequest) => Promise<ProviderPage<T>>,
  limits: { maxPages: number; maxItems: number; pageSize?: number },
): Promise<ProviderPage<T>> {
  const items: T[] = [];
  let cursor: string | undefined;
  let skipped = 0;
  const reasons = new Set<string>();
  for (let page = 0; page < limits.maxPages; page++) {
    const result = await fetchPage({ limit: limits.pageSize, cursor });
    items.push(...result.items);
    if (result.partial) {
      reasons.add(result.partial.reason);
      skipped += result.partial.skipped ?? 0;
    }
    if (!result.nextCursor)
      return {
        items: items.slice(0, limits.maxItems),
        nextCursor: null,
        ...(reasons.size ? { partial: { reason: [...reasons].join(' '), skipped } } : {}),
      };
    cursor = result.nextCursor;
    if (items.length >= limits.maxItems) break;
  }
  reasons.add(`Stopped after ${Math.min(items.length, limits.maxItems)} items; there are more.`);
  return {
    items: items.slice(0, limits.maxItems),
    nextCursor: cursor ?? null,
    partial: { reason: [...reasons].join(' '), skipped },
  };
}
