import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { apiRequest, type RequestOptions } from './client';
import type { Page, Suggestion } from './types';

/** A cached GET of the API. `key` is the path plus its query, so the same request is fetched once. */
export function useApiQuery<T>(
  path: string | null,
  query?: RequestOptions['query'],
  options: Omit<UseQueryOptions<T>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<T>({
    queryKey: [path, query ?? {}],
    queryFn: ({ signal }) => apiRequest<T>(path!, { query, signal }),
    enabled: path !== null && (options.enabled ?? true),
    ...options,
  });
}

/** A change through the API; refreshes the listed cached paths (prefix match) when it settles. */
export function useApiMutation<V, T = unknown>(
  request: (vars: V) => { path: string; method: RequestOptions['method']; body?: unknown; ifMatch?: string },
  invalidate: string[] = [],
) {
  const client = useQueryClient();
  return useMutation<T, Error, V>({
    mutationFn: (vars) => {
      const { path, ...rest } = request(vars);
      return apiRequest<T>(path, rest);
    },
    onSettled: () => invalidatePaths(client, invalidate),
  });
}

export function invalidatePaths(client: ReturnType<typeof useQueryClient>, prefixes: string[]): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) =>
      typeof q.queryKey[0] === 'string' && prefixes.some((p) => (q.queryKey[0] as string).startsWith(p)),
  });
}

/** Pending suggestions, for the navigation badge. */
export function usePendingCount(): number {
  const { data } = useApiQuery<Page<Suggestion>>(
    '/suggestions',
    { status: 'pending', limit: 100 },
    { refetchInterval: 30_000, retry: false },
  );
  return data?.items.length ?? 0;
}
