/**
 * Writes the V8 code cache of the app bundle (run by the build: `code-cache.ts <dist/app/main.js> <cache file>`).
 * It loads the app through its entry as the Functions worker would (the local runtime's `@azure/functions-core`), so
 * the cache also holds every function compiled while the app registers its functions. The file is a SHA-256 of the
 * bundle and V8's data, then the data: the entry uses it only for that exact bundle, intact.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { installFunctionsCore } from '../local/host/functions-core';

interface LoadedApp {
  script: Script;
  code: string;
  source: string;
}

const [entry, cacheFile] = process.argv.slice(2);
if (!entry || !cacheFile) throw new Error('usage: code-cache <app entry> <cache file>');

let loaded: LoadedApp | undefined;
(globalThis as Record<symbol, unknown>)[Symbol.for('app.code-cache')] = (app: LoadedApp) => {
  loaded = app;
};
const core = installFunctionsCore();
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(entry);
core.lock();
if (!loaded) throw new Error(`${entry} did not hand over its compiled bundle`);
const data = loaded.script.createCachedData();
// V8 takes a cache back only for the same source length, V8 version and flags: check it does here.
if (new Script(loaded.code, { cachedData: data }).cachedDataRejected)
  throw new Error('V8 rejected the code cache it just made');
writeFileSync(cacheFile, Buffer.concat([createHash('sha256').update(loaded.source).update(data).digest(), data]));
console.log(`code cache: ${core.functions.size} functions registered while it was made`);
