/**
 * In Azure every API request passes the static web app's proxy, which ends it after 45 seconds. Model calls can take
 * longer (AI_TIMEOUT_MS with retries), so only orchestration activities may reach the AI gateway: no file that
 * registers an HTTP route may, and nothing outside the run activities uses the gateway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [{ path: relative(root, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

/** Reaching the model: the services' AI gateway or the run activities built on it. */
const REACHES_MODEL = /\.ai\(\)|\bai\(\)|\.runActivities\(\)|createAiGateway\(/;

test('no HTTP handler waits on the model', () => {
  const files = [...sources(join(root, 'functions')), ...sources(join(root, 'shared'))];
  const reaching = files.filter((f) => REACHES_MODEL.test(f.text)).map((f) => f.path);
  assert.ok(reaching.includes('functions/orchestration-run.ts'), 'the run activities reach the model');
  const allowed = (path: string) =>
    path === 'functions/orchestration-run.ts' || path.startsWith('shared/app/wiring/') || path.startsWith('shared/ai/');
  const outside = reaching.filter((path) => !allowed(path));
  assert.deepEqual(
    outside,
    [],
    'only the run activities (and the AI module and wiring that build them) reach the model',
  );
  for (const f of files.filter((f) => reaching.includes(f.path)))
    assert.doesNotMatch(f.text, /httpRoute\(|app\.http\(/, `${f.path} registers no HTTP route`);
});
