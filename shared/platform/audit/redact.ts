const SECRET_KEY =
  /(token|secret|password|authorization|api[-_]?key|code_?verifier|refresh|cookie|credential|signature)/i;
const MAX_STRING = 500;

/**
 * Copies a value for the audit trail: secret-looking fields become "[redacted]", long strings are cut,
 * depth and array sizes are bounded. Audit records must never carry credentials.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value !== 'object') return value;
  if (depth >= 5) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('_')) continue;
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}
