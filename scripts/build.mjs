// Builds the deployable function app and, when present, the web app.
//
// Cold start matters (Flex Consumption), so the app is one minified bundle holding our code and the three packages
// every start needs: @azure/functions, durable-functions and zod (one file to read instead of hundreds). Inside
// durable-functions, axios, moment, validator and @opentelemetry/api are only used once a function runs, so they stay
// in node_modules behind a lazy require, and zod keeps only its English messages. Every other dependency (Azure SDKs,
// openai, Google and Graph clients...) stays external and is loaded with `await import()` where it is needed.
// `@azure/functions-core` is provided by the Functions worker.
//
// dist/app/main.js (scripts/app-loader.cjs) runs the bundle, dist/app/app.js, with the V8 code cache made here on
// every build (dist/app/app.js.cache, deployed with it): a start skips compiling most of the bundle.
import { build } from 'esbuild';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skipWeb = process.argv.includes('--no-web') || process.env.SKIP_WEB_BUILD === '1';

const BUNDLED = new Set(['@azure/functions', 'durable-functions', 'zod']);
const LAZY_INSIDE_DURABLE = /^(axios|moment|validator|@opentelemetry\/api)$/;

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [
  '@azure/functions-core',
  ...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name)),
];

/**
 * Inside durable-functions, `require("axios" | "moment" | "validator" | "@opentelemetry/api")` becomes a stand-in that
 * loads the real package from node_modules the first time something uses it (a property read or a call), so a cold
 * start neither parses nor runs them.
 */
const lazyRequire = {
  name: 'lazy-require',
  setup(b) {
    b.onResolve({ filter: LAZY_INSIDE_DURABLE }, (args) => {
      if (!args.importer.includes('/node_modules/durable-functions/')) return undefined;
      return { path: args.path, namespace: 'lazy-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (args) => ({
      loader: 'js',
      contents: `const name = ${JSON.stringify(args.path)};
const owner = 'durable-functions';
let real;
function load() {
  if (real === undefined) {
    // Hoisted next to the app, or nested under durable-functions.
    const paths = [process.cwd(), __dirname, require('node:path').dirname(require.resolve(owner))];
    real = require(require.resolve(name, { paths }));
  }
  return real;
}
module.exports = new Proxy(() => {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
});`,
    }));
  },
};

/** zod registers its English messages itself; its 40-odd other locales are never used and only cost start time. */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

const appDir = join(root, 'dist/app');
const bundle = join(appDir, 'app.js');
for (const stale of ['main.js', 'main.js.map', 'main.js.LEGAL.txt', 'app.js.cache'])
  rmSync(join(appDir, stale), { force: true });

await build({
  entryPoints: [join(root, 'functions/index.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external,
  plugins: [lazyRequire, englishOnlyZod],
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  sourcemap: true,
  logLevel: 'warning',
});

/**
 * A script compiled with a code cache (vm.Script) cannot use Node's `import()` (Node 20 has only an experimental
 * switch for it), so each `import(...)` in the bundle, found by parsing it, becomes `$mport(...)`, which the entry
 * provides; same length, so the source map still lines up.
 */
function routeDynamicImports(file) {
  const code = readFileSync(file, 'utf8');
  if (code.includes('$mport')) throw new Error(`${file} already uses the name $mport`);
  const { parse } = createRequire(import.meta.url)('acorn');
  const starts = [];
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'ImportExpression') starts.push(node.start);
    for (const key in node) if (key !== 'type' && typeof node[key] === 'object') visit(node[key]);
  };
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true }));
  let out = code;
  for (const start of starts) {
    if (out.slice(start, start + 6) !== 'import') throw new Error(`no import() at ${start} in ${file}`);
    out = `${out.slice(0, start)}$mport${out.slice(start + 6)}`;
  }
  writeFileSync(file, out);
}

routeDynamicImports(bundle);
copyFileSync(join(root, 'scripts/app-loader.cjs'), join(appDir, 'main.js'));
const cache = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts/code-cache.ts'), join(appDir, 'main.js'), join(appDir, 'app.js.cache')],
  { cwd: root, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (cache.status !== 0) process.exit(cache.status ?? 1);

if (!skipWeb && existsSync(join(root, 'web/index.html'))) {
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: join(root, 'web'),
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
