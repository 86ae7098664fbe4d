/**
 * Reads a function app folder's configuration the way the Functions host does: `host.json` (route prefix, Durable
 * task hub and concurrency, Service Bus concurrency) and `local.settings.json` Values (falling back to
 * `local.settings.sample.json` when there is no local copy).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HostConfig {
  routePrefix: string;
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  /** Service Bus messages handled at once per function. */
  serviceBusMaxConcurrentCalls: number;
  /** host.json functionTimeout in ms (default 30 minutes, as on Flex Consumption); undefined = no limit ("-1"). */
  functionTimeoutMs: number | undefined;
  /** Raw host.json, for parts read elsewhere. */
  raw: Record<string, unknown>;
}

export interface LoadedSettings {
  /** Path of the file the Values came from, or undefined when neither exists. */
  source: string | undefined;
  values: Record<string, string>;
  /** Host.LocalHttpPort, when set. */
  localHttpPort: number | undefined;
  /** Host.CORS: allowed origins ("*" or a comma-separated list); empty = no CORS headers. */
  corsOrigins: string[];
  /** Host.CORSCredentials. */
  corsCredentials: boolean;
}

/** JSON with comments is accepted in host.json and local.settings.json, as the host does. */
function readJson(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    const withoutComments = text.replace(
      /("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
      (_m, str: string) => str ?? '',
    );
    try {
      return JSON.parse(withoutComments.replace(/,(\s*[}\]])/g, '$1')) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
}

function objectAt(root: Record<string, unknown>, ...path: string[]): Record<string, unknown> {
  let node: unknown = root;
  for (const key of path) {
    if (!node || typeof node !== 'object') return {};
    const entry = Object.entries(node as Record<string, unknown>).find(([k]) => k.toLowerCase() === key.toLowerCase());
    node = entry?.[1];
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : {};
}

function positiveInt(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** `[d.]hh:mm:ss` (or -1 for no limit) in milliseconds. */
function parseTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null) return 30 * 60_000;
  if (value === '-1' || value === -1) return undefined;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(String(value));
  if (!match) throw new Error(`host.json functionTimeout "${value}" must look like hh:mm:ss (or -1 for no limit).`);
  const [, days, h, m, sec] = match;
  return ((Number(days ?? 0) * 24 + Number(h)) * 3600 + Number(m) * 60 + Number(sec)) * 1000;
}

/** Replaces `%NAME%` with the app setting NAME (as the host does for binding expressions in host.json). */
export function expandSettings(value: string, settings: Record<string, string | undefined>): string {
  return value.replace(/%([^%]+)%/g, (whole, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined) throw new Error(`host.json refers to the app setting ${name}, which is not set.`);
    return resolved;
  });
}

export function loadHostConfig(appDir: string, settings: Record<string, string | undefined>): HostConfig {
  const path = join(appDir, 'host.json');
  const raw = existsSync(path) ? readJson(path) : {};
  const http = objectAt(raw, 'extensions', 'http');
  const durable = objectAt(raw, 'extensions', 'durableTask');
  const serviceBus = objectAt(raw, 'extensions', 'serviceBus');
  const handlerOptions = objectAt(serviceBus, 'messageHandlerOptions');

  const routePrefix = typeof http.routePrefix === 'string' ? http.routePrefix.replace(/^\/+|\/+$/g, '') : 'api';
  const hubSetting =
    typeof durable.hubName === 'string' ? durable.hubName : settings.WEBSITE_SITE_NAME || 'TestHubName';
  const hubName = expandSettings(hubSetting, settings);
  if (!/^[A-Za-z][A-Za-z0-9]{2,49}$/.test(hubName)) {
    throw new Error(`The Durable task hub name "${hubName}" must start with a letter and have 3-50 letters or digits.`);
  }
  return {
    functionTimeoutMs: parseTimeout(raw.functionTimeout),
    routePrefix,
    hubName,
    maxConcurrentActivityFunctions: positiveInt(durable.maxConcurrentActivityFunctions, 10),
    maxConcurrentOrchestratorFunctions: positiveInt(durable.maxConcurrentOrchestratorFunctions, 10),
    serviceBusMaxConcurrentCalls: positiveInt(serviceBus.maxConcurrentCalls ?? handlerOptions.maxConcurrentCalls, 16),
    raw,
  };
}

export function loadLocalSettings(appDir: string): LoadedSettings {
  for (const name of ['local.settings.json', 'local.settings.sample.json']) {
    const path = join(appDir, name);
    if (!existsSync(path)) continue;
    const raw = readJson(path);
    if (raw.IsEncrypted === true) throw new Error(`${path} is encrypted; the local runtime reads plain settings only.`);
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(objectAt(raw, 'Values'))) {
      if (value === null || value === undefined) continue;
      values[key] = typeof value === 'string' ? value : String(value);
    }
    const host = objectAt(raw, 'Host');
    const port = host.LocalHttpPort;
    return {
      source: path,
      values,
      localHttpPort: typeof port === 'number' ? port : undefined,
      corsOrigins:
        typeof host.CORS === 'string'
          ? host.CORS.split(',')
              .map((o) => o.trim())
              .filter(Boolean)
          : [],
      corsCredentials: host.CORSCredentials === true,
    };
  }
  return { source: undefined, values: {}, localHttpPort: undefined, corsOrigins: [], corsCredentials: false };
}
