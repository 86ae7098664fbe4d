// Builds the deployable function app and, when present, the web app.
//
// Cold start matters (Flex Consumption), so the app is one minified bundle holding our code and the three packages
// every start needs: @azure/functions, durable-functions and zod (one file to read instead of hundreds). Inside
// durable-functions, axios, moment, validator and @opentelemetry/api are only used once a function runs, so they stay
// in node_modules behind a lazy require, and zod keeps only its English messages. Every other dependency (Azure SDKs,
// openai, Google and Graph clients...) stays external and is loaded with `await import()` where it is needed.
// `@azure/functions-core` is provided by the Functions worker.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
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

await build({
  entryPoints: [join(root, 'functions/index.ts')],
  outfile: join(root, 'dist/app/main.js'),
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

if (!skipWeb && existsSync(join(root, 'web/index.html'))) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'web'),
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
