import { z } from 'zod';

/** Reads a boolean app setting written as "true"/"false"/"1"/"0". */
export const boolSetting = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v === 'true' || v === '1'));

/** Reads an integer app setting with a default. */
export const intSetting = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n)) {
        ctx.addIssue({ code: 'custom', message: `expected an integer, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** An optional string setting where an empty value counts as unset. */
export const optionalSetting = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v));

/**
 * Marks a setting that only makes sense on a developer's machine or in tests (local stores, self-signed TLS, key files).
 * bicep/ never writes these; the deployment consistency test reads this marker.
 */
export function localOnly<T extends z.ZodType>(schema: T): T {
  return schema.meta({ localOnly: true });
}

/** Whether a setting's schema was declared with `localOnly()`. */
export function isLocalOnlySetting(schema: z.ZodType): boolean {
  return z.globalRegistry.get(schema)?.localOnly === true;
}

/** Reads an optional JSON app setting checked against `schema` (absent or blank: undefined; invalid: the issues). */
export const jsonSetting = <T>(schema: z.ZodType<T>) =>
  z
    .string()
    .optional()
    .transform((v, ctx): T | undefined => {
      if (v === undefined || v.trim() === '') return undefined;
      try {
        const parsed = schema.safeParse(JSON.parse(v));
        if (parsed.success) return parsed.data;
        ctx.addIssue({
          code: 'custom',
          message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON' });
      }
      return z.NEVER;
    });
