import { type z } from 'zod';
import { authSettings } from './auth';
import { coreSettings } from './core';
import { connectorSettings } from './connectors';
import { suggestionSettings } from './suggestions';
import { agentSettings } from './agents';
import { eventSettings } from './events';
import { tierSettings } from './tiers';
import { featureSettings } from './features';
import { privacySettings } from './privacy';
import { rateLimitSettings } from './rate-limits';
import { apiAccessSettings } from './api-access';
import { pushSettings } from './push';
import { ValidationError } from '../errors';

/**
 * The one typed view of the app settings. Each context contributes a section (a zod object in this folder);
 * `settingsSchema` merges them so every setting is read and validated once, at first use.
 */
export const settingsSchema = coreSettings
  .extend(authSettings.shape)
  .extend(suggestionSettings.shape)
  .extend(connectorSettings.shape)
  .extend(agentSettings.shape)
  .extend(eventSettings.shape)
  .extend(tierSettings.shape)
  .extend(featureSettings.shape)
  .extend(privacySettings.shape)
  .extend(rateLimitSettings.shape)
  .extend(apiAccessSettings.shape)
  .extend(pushSettings.shape);

export type Settings = z.infer<typeof settingsSchema>;

let cached: Settings | undefined;

/** Parses `env` (process.env by default). Throws a readable error listing every bad setting. */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const result = settingsSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ValidationError(`Invalid app settings:\n${lines.join('\n')}`, []);
  }
  return result.data;
}

/** Settings of this process, parsed once. */
export function getSettings(): Settings {
  cached ??= loadSettings();
  return cached;
}

/**
 * Settings trigger bindings need when functions register (before any invocation). Parsed on their own, so a bad
 * setting elsewhere still surfaces at first use, as with `getSettings()`.
 */
export function bindingSettings(env: Record<string, string | undefined> = process.env): { EVENTS_TOPIC: string } {
  return coreSettings.pick({ EVENTS_TOPIC: true }).parse({ EVENTS_TOPIC: env.EVENTS_TOPIC || undefined });
}
