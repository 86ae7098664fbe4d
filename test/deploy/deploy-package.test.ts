/**
 * The folder `azd deploy` zips for the function app (scripts/deploy-package.mjs), built into an empty folder outside
 * the repository with nothing but its production dependencies: it registers every function the repository's build
 * registers and answers under the local runtime against the embedded stores, so no development dependency is needed
 * at run time. Prints the package's size.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalPlatform } from '../../local/testing';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workDir = mkdtempSync(join(tmpdir(), 'deploy-package-'));
const packageDir = join(workDir, 'api');
let sizeLine = '';

/** Function names an app folder registers when the worker loads its package.json "main", in a fresh process. */
function registeredFunctions(appEntry: string): string[] {
  const probe = `
    const { installFunctionsCore } = require(${JSON.stringify(join(root, 'local/host/functions-core.ts'))});
    const core = installFunctionsCore();
    require(${JSON.stringify(appEntry)});
    core.lock();
    console.log(JSON.stringify([...core.functions.keys()].sort()));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
}

before(() => {
  // dist/app is fresh: `npm test` builds before it runs the tests.
  const result = spawnSync(
    process.execPath,
    [join(root, 'scripts/deploy-package.mjs'), '--out', packageDir, '--no-build'],
    { cwd: root, encoding: 'utf8' },
  );
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  sizeLine = result.stdout.trim().split('\n').pop()!;
  console.log(sizeLine);
});

after(() => rmSync(workDir, { recursive: true, force: true }));

test('the deploy package holds the bundle, host.json and production dependencies only', (t) => {
  t.diagnostic(sizeLine);
  assert.deepEqual(readdirSync(packageDir).sort(), [
    '.funcignore',
    'dist',
    'host.json',
    'node_modules',
    'package-lock.json',
    'package.json',
  ]);
  for (const file of ['main.js', 'app.js', 'app.js.cache']) assert.ok(existsSync(join(packageDir, 'dist/app', file)));
  for (const devOnly of ['typescript', 'tsx', 'esbuild', 'vite', 'azurite', '@vercel/cosmosdb-server', 'react'])
    assert.ok(!existsSync(join(packageDir, 'node_modules', devOnly)), `${devOnly} is a development dependency`);
  assert.match(sizeLine, /^deploy package: .*, [\d.]+ MB unzipped/);
});

test('the deploy package registers every function the repository build registers', () => {
  const expected = registeredFunctions(join(root, 'dist/app/main.js'));
  assert.ok(expected.length > 50, `the repository build registers ${expected.length} functions`);
  assert.deepEqual(registeredFunctions(join(packageDir, 'dist/app/main.js')), expected);
});

test('the deploy package starts under the local runtime and answers', async (t) => {
  // Settings, not code: the same local settings `npm start` reads (in Azure, Bicep writes the app settings).
  copyFileSync(join(root, 'local.settings.sample.json'), join(packageDir, 'local.settings.sample.json'));
  const platform = await startLocalPlatform({ app: packageDir, readyProbe: '/api/health' });
  t.after(() => platform.stop());
  const health = await platform.api('/health');
  assert.equal(health.status, 200, await health.text());
  const count = /Functions:\s+(\d+)/.exec(platform.logs())?.[1];
  assert.equal(Number(count), registeredFunctions(join(root, 'dist/app/main.js')).length, 'every function is hosted');
  // A signed-in call reaches Cosmos DB (its SDK, jose and the rest load from the package's node_modules).
  const token = await platform.token('ada@example.com', 'Ada');
  const me = await platform.api('/me', { token });
  assert.equal(me.status, 200, await me.text());
});
