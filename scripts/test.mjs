// Runs the whole test suite with node's own test runner: builds the app, type-checks the app and the web app, lints,
// checks formatting, the architecture rules and unused code, then every test/**/*.test.ts.
// Pass paths or name fragments to run a subset: `npm test -- connectors`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out.sort();
}

run(process.execPath, [join(root, 'scripts/build.mjs')]);
// Compile and lint bicep/ (dist/bicep/main.json is what test/deploy checks); says so when it has to skip.
run(process.execPath, [join(root, 'scripts/bicep.mjs')]);
if (filters.length === 0) {
  // Type-check the app and the web app (the SPA's API types come from the app's zod schemas).
  for (const project of ['tsconfig.json', 'web/tsconfig.json']) {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--noEmit']);
  }
  // Lint and formatting (`npm run format` fixes what can be fixed).
  run(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '.']);
  run(process.execPath, [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '--log-level=warn', '.']);
  // Architecture rules: no cycles, layers and contexts import only what docs/architecture.md allows.
  run(process.execPath, [join(root, 'scripts/check-architecture.mjs')]);
  // Unused files, exports and dependencies.
  run(process.execPath, [join(root, 'node_modules/knip/bin/knip.js'), '--no-progress']);
}

const files = findTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files]);
