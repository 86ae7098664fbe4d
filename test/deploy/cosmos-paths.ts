/**
 * Cosmos DB's indexing path syntax, which the embedded Cosmos-API server does not check (Azure answers BadRequest):
 * a path starts at the root `/`, names properties (plain or "quoted"), addresses array elements with `[]`, and ends
 * with `?` (that value) or `*` (everything below); `*` and `?` are valid only as the last segment.
 */
export function indexingPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with /';
  const segments = path.slice(1).split('/');
  const last = segments.at(-1)!;
  if (last !== '*' && last !== '?') return 'must end with /* or /?';
  for (const [i, segment] of segments.slice(0, -1).entries()) {
    if (segment === '*' || segment === '?')
      return `"${segment}" is only valid as the last segment (use [] for array elements)`;
    if (segment === '[]') {
      if (i === 0) return 'an array element needs a property before it';
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) && !/^"[^"]+"$/.test(segment))
      return `"${segment}" is not a property name`;
  }
  return undefined;
}
