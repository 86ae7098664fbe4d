import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { localOnly, optionalSetting } from './env';
import { tierSchema, type Tier } from './tiers';

/**
 * Feature flags. One flag is `true`/`false`, or a rule: on for listed tenants or tiers, or for a stable percentage
 * of tenants. They come from the `FEATURE_FLAGS` app setting (JSON; in Azure it may be an App Configuration reference,
 * `@Microsoft.AppConfiguration(Endpoint=...; Key=feature-flags)`), overlaid by `FEATURE_FLAGS_FILE` (a JSON file,
 * re-read when it changes; local mode).
 */
export const flagRuleSchema = z.union([
  z.boolean(),
  z
    .object({
      enabled: z.boolean().default(false),
      tenants: z.array(z.string()).optional(),
      tiers: z.array(tierSchema).optional(),
      percent: z.number().min(0).max(100).optional(),
    })
    .strict(),
]);
export type FlagRule = z.infer<typeof flagRuleSchema>;
export const flagsDocumentSchema = z.record(z.string().regex(/^[\w.-]{1,64}$/), flagRuleSchema);
export type FlagsDocument = z.infer<typeof flagsDocumentSchema>;

export const featureSettings = z.object({
  FEATURE_FLAGS: optionalSetting(),
  FEATURE_FLAGS_FILE: localOnly(optionalSetting()),
});

export interface FeatureFlags {
  /** Whether `flag` is on, for this tenant when given. Unknown flags are off. */
  isEnabled(flag: string, subject?: { tenantId: string; tier?: Tier }): Promise<boolean>;
  /** Every flag's value for the tenant (shown in GET /api/me so the web app can adapt). */
  evaluateAll(subject: { tenantId: string; tier?: Tier }): Promise<Record<string, boolean>>;
}

function parseFlags(text: string, source: string): FlagsDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source}: feature flags must be JSON`);
  }
  const parsed = flagsDocumentSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A stable bucket 0..99 per (flag, tenant), so a percentage rollout keeps the same tenants on. */
function bucket(flag: string, tenantId: string): number {
  let h = 2166136261;
  for (const ch of `${flag}:${tenantId}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % 100;
}

function evaluateFlag(flag: string, rule: FlagRule | undefined, subject?: { tenantId: string; tier?: Tier }): boolean {
  if (rule === undefined) return false;
  if (typeof rule === 'boolean') return rule;
  if (rule.enabled) return true;
  if (!subject) return false;
  if (rule.tenants?.includes(subject.tenantId)) return true;
  if (subject.tier && rule.tiers?.includes(subject.tier)) return true;
  if (rule.percent !== undefined && bucket(flag, subject.tenantId) < rule.percent) return true;
  return false;
}

export function createFeatureFlags(settings: { FEATURE_FLAGS?: string; FEATURE_FLAGS_FILE?: string }): FeatureFlags {
  const fromSettings = settings.FEATURE_FLAGS ? parseFlags(settings.FEATURE_FLAGS, 'FEATURE_FLAGS') : {};
  let fileCache: { mtimeMs: number; flags: FlagsDocument } | undefined;

  async function current(): Promise<FlagsDocument> {
    if (!settings.FEATURE_FLAGS_FILE) return fromSettings;
    try {
      const info = await stat(settings.FEATURE_FLAGS_FILE);
      if (!fileCache || fileCache.mtimeMs !== info.mtimeMs) {
        fileCache = {
          mtimeMs: info.mtimeMs,
          flags: parseFlags(await readFile(settings.FEATURE_FLAGS_FILE, 'utf8'), settings.FEATURE_FLAGS_FILE),
        };
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      fileCache = undefined;
    }
    return { ...fromSettings, ...(fileCache?.flags ?? {}) };
  }

  return {
    async isEnabled(flag, subject) {
      return evaluateFlag(flag, (await current())[flag], subject);
    },
    async evaluateAll(subject) {
      const flags = await current();
      return Object.fromEntries(Object.keys(flags).map((name) => [name, evaluateFlag(name, flags[name], subject)]));
    },
  };
}
