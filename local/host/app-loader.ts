/**
 * Loads a Functions v4 Node app the way the worker's startApp does: read package.json `main` (a file or a glob),
 * load each entry file (require, or import() for ES modules), run the appStart hooks, lock registrations, and ask the
 * programming model for its capabilities (which locks `app.setup()`). Then checks that every registered function
 * uses triggers and bindings this runtime provides, so an unsupported feature fails at start with a clear message.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionsCore } from './functions-core';
import { triggerOf } from './invoke';

const SUPPORTED_TRIGGERS = [
  'httptrigger',
  'timertrigger',
  'servicebustrigger',
  'orchestrationtrigger',
  'activitytrigger',
];

function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '{') {
      const end = pattern.indexOf('}', i);
      source += `(${pattern
        .slice(i + 1, end)
        .split(',')
        .map((p) => p.replace(/[.+^$()|[\]\\]/g, '\\$&'))
        .join('|')})`;
      i = end;
    } else source += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function listFiles(dir: string, root: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, root, out);
    else out.push(relative(root, path).split(sep).join('/'));
  }
  return out;
}

/** The entry files named by package.json `main`, relative to the app folder. */
export function entryFiles(appDir: string): { files: string[]; type: string | undefined } {
  const pkgPath = join(appDir, 'package.json');
  if (!existsSync(pkgPath))
    throw new Error(`${appDir} has no package.json: the runtime needs its "main" to find the functions.`);
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { main?: string; type?: string };
  const main = (pkg.main ?? 'index.js').replace(/^\.\//, '');
  if (!/[*?{]/.test(main)) {
    if (!existsSync(join(appDir, main))) {
      throw new Error(
        `The app's entry point "${main}" (package.json "main") does not exist. Build the app first (npm run build).`,
      );
    }
    return { files: [main], type: pkg.type };
  }
  const regex = globToRegex(main);
  const files = listFiles(appDir, appDir)
    .filter((f) => regex.test(f))
    .sort();
  if (files.length === 0)
    throw new Error(`No file matches the app's entry point pattern "${main}" (package.json "main").`);
  return { files, type: pkg.type };
}

export interface LoadedApp {
  functionNames: string[];
}

export async function loadApp(appDir: string, core: FunctionsCore): Promise<LoadedApp> {
  const { files, type } = entryFiles(appDir);
  const requireFromApp = createRequire(join(appDir, 'package.json'));
  for (const file of files) {
    const path = join(appDir, file);
    try {
      if (file.endsWith('.mjs') || (type === 'module' && file.endsWith('.js'))) await import(pathToFileURL(path).href);
      else requireFromApp(path);
    } catch (err) {
      const error = err as Error;
      error.message = `The app's entry point "${file}" failed to load: ${error.message}`;
      throw error;
    }
  }
  const hookData = core.appLevelOnlyHookData;
  await core.runHooks('appStart', {
    get hookData() {
      return hookData;
    },
    get appHookData() {
      return core.appHookData;
    },
    functionAppDirectory: appDir,
  });
  core.lock();
  if (core.functions.size === 0) {
    throw new Error(
      `The app in ${appDir} registered no functions (is @azure/functions a dependency, and is "main" the built entry?).`,
    );
  }
  const capabilities = await core.getProgrammingModel().getCapabilities?.({});
  if (capabilities && 'HttpUri' in capabilities) {
    throw new Error(
      'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local runtime does not support.',
    );
  }
  for (const fn of core.functions.values()) {
    const type = triggerOf(fn).type.toLowerCase();
    if (type === 'entitytrigger') {
      throw new Error(
        `Function "${fn.metadata.name}" is a Durable entity; the local runtime does not support entities.`,
      );
    }
    if (!SUPPORTED_TRIGGERS.includes(type)) {
      throw new Error(
        `Function "${fn.metadata.name}" uses a ${triggerOf(fn).type}, which the local runtime does not provide.`,
      );
    }
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      const bindingType = String(binding.type ?? '').toLowerCase();
      const allowedOut = name === '$return' ? ['http', 'servicebus'] : ['servicebus'];
      if (binding.direction === 'out' && !allowedOut.includes(bindingType)) {
        throw new Error(
          `Function "${fn.metadata.name}" has a ${binding.type} output binding, which the local runtime does not provide.`,
        );
      }
      if (binding.direction !== 'out' && !/trigger$/.test(bindingType) && bindingType !== 'durableclient') {
        throw new Error(
          `Function "${fn.metadata.name}" has a ${binding.type} input binding, which the local runtime does not provide.`,
        );
      }
    }
  }
  return { functionNames: [...core.functions.keys()] };
}
