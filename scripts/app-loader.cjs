// The function app's entry (copied to dist/app/main.js by the build). It runs the app bundle, app.js, as Node would
// require it, but compiled with the V8 code cache the build made for it (app.js.cache): a cold start then skips
// parsing and compiling most of the bundle. When the cache is missing, was made for another bundle, or V8 rejects it
// (another Node version or V8 flags), the bundle is compiled from source as usual: same behaviour, only slower.
// The bundle's `import()` calls are spelled `$mport()` (same length, so its source map still lines up) and go to
// `appImport` below, so packages load exactly as they would from this folder.
'use strict';
const { readFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'app.js');
const source = readFileSync(file, 'utf8');
// The cache file is a SHA-256 of the bundle and the cache data, then the data: V8 itself only checks the source's
// length, and reading damaged data can crash it, so anything but this bundle's intact cache is not used.
let cachedData;
try {
  const cache = readFileSync(`${file}.cache`);
  const data = cache.subarray(32);
  if (createHash('sha256').update(source).update(data).digest().equals(cache.subarray(0, 32))) cachedData = data;
} catch {
  // no cache: compile from source
}

const appImport = (specifier) => import(specifier);
const code = `(function (exports, require, module, __filename, __dirname, $mport) {\n${source}\n})`;
const script = new Script(code, {
  filename: file,
  lineOffset: -1,
  cachedData,
});
const appModule = { exports: {} };
script.runInThisContext()(appModule.exports, createRequire(file), appModule, file, __dirname, appImport);
module.exports = appModule.exports;

// The build asks for the cache once the bundle has run, so it also holds the functions compiled while loading.
globalThis[Symbol.for('app.code-cache')]?.({ script, code, source });
