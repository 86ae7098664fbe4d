/**
 * The deployed entry, dist/app/main.js, runs the bundle with the V8 code cache the build made. A start with the cache
 * compiles from it; a damaged, stale or missing cache is ignored (never a crash), and the app registers the same
 * functions either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const built = join(root, 'dist/app');

interface Start {
  functions: string[];
  cacheRejected: boolean | null;
}

/** Starts the app from `dir` in a fresh process, as the worker would, and reports what it registered. */
function start(dir: string): Start {
  const probe = `
    const { installFunctionsCore } = require(${JSON.stringify(join(root, 'local/host/functions-core.ts'))});
    let script;
    globalThis[Symbol.for('app.code-cache')] = (app) => { script = app.script; };
    const core = installFunctionsCore();
    require(${JSON.stringify(join(dir, 'main.js'))});
    core.lock();
    console.log(JSON.stringify({ functions: [...core.functions.keys()], cacheRejected: script.cachedDataRejected ?? null }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Start;
}

test('the built app starts from its code cache, and ignores a damaged, stale or missing one', () => {
  // Next to dist/app, so the app finds the same node_modules.
  const dir = mkdtempSync(join(root, 'dist/code-cache-test-'));
  try {
    for (const name of ['main.js', 'app.js', 'app.js.cache']) copyFileSync(join(built, name), join(dir, name));
    const cached = start(dir);
    assert.equal(cached.cacheRejected, false, 'V8 took the cache');
    assert.ok(
      cached.functions.includes('getOpenApi') && cached.functions.length > 50,
      `registered ${cached.functions.length}`,
    );

    const cache = readFileSync(join(dir, 'app.js.cache'));
    const damaged = Buffer.from(cache);
    for (let i = 64; i < damaged.length; i += 997) damaged[i]! ^= 0xff;
    writeFileSync(join(dir, 'app.js.cache'), damaged);
    assert.deepEqual(start(dir), { functions: cached.functions, cacheRejected: null });

    const bundle = readFileSync(join(dir, 'app.js'), 'utf8');
    writeFileSync(join(dir, 'app.js'), bundle.replace('Personal Agents API', 'Personal Agents API'.toUpperCase()));
    writeFileSync(join(dir, 'app.js.cache'), cache);
    assert.deepEqual(
      start(dir),
      { functions: cached.functions, cacheRejected: null },
      'a cache made for another bundle',
    );

    rmSync(join(dir, 'app.js.cache'));
    assert.deepEqual(start(dir), { functions: cached.functions, cacheRejected: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
