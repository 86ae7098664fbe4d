/**
 * With a linked backend every API request passes the static web app's proxy, which ends it after 45 seconds. Model
 * calls can take longer (AI_TIMEOUT_MS with retries), so only orchestration activities may reach the AI gateway: no
 * file that registers an HTTP route may, and nothing outside the run activities uses the gateway.
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

/** Naming the model's gateway: its type, its factory, or the services' accessor for it. */
const NAMES_GATEWAY = /\bAiGateway\b|\bcreate(?:Ai)?Gateway\(|\.ai\(\)/;
/** Reaching the run activities, which hold the gateway (through the run context). */
const NAMES_RUN_CONTEXT = /\bRunContext\b|\brunContext\(|\.runActivities\(\)|\bRunActivities\b/;

test('no HTTP handler waits on the model', () => {
  const files = [...sources(join(root, 'functions')), ...sources(join(root, 'shared'))];
  const naming = (pattern: RegExp) => files.filter((f) => pattern.test(f.text)).map((f) => f.path);

  // The gateway is built in the AI module, wired by the composition root, and used only by the run context.
  const gateway = naming(NAMES_GATEWAY);
  assert.ok(gateway.includes('shared/orchestration/run-context.ts'), 'the run context holds the gateway');
  const gatewayOutside = gateway.filter(
    (path) =>
      !path.startsWith('shared/ai/') &&
      !path.startsWith('shared/app/') &&
      path !== 'shared/orchestration/run-context.ts',
  );
  assert.deepEqual(gatewayOutside, [], 'nothing else reaches the gateway');

  // The run context lives in the run steps; of the registrations, only the run orchestration's activities use it.
  const runContext = naming(NAMES_RUN_CONTEXT);
  const runContextOutside = runContext.filter(
    (path) =>
      !/^shared\/orchestration\/run-[a-z-]+\.ts$/.test(path) &&
      !path.startsWith('shared/app/') &&
      path !== 'functions/orchestration-run.ts',
  );
  assert.deepEqual(runContextOutside, [], 'only the run orchestration reaches the run activities');
  assert.ok(runContext.includes('functions/orchestration-run.ts'), 'the run activities are registered there');

  for (const f of files.filter((f) => gateway.includes(f.path) || runContext.includes(f.path)))
    assert.doesNotMatch(f.text, /httpRoute\(|app\.http\(/, `${f.path} registers no HTTP route`);
});
