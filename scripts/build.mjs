// Builds the deployable function app (one bundle of our code; npm packages stay external and are loaded lazily)
// and, when present, the web app.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skipWeb = process.argv.includes('--no-web') || process.env.SKIP_WEB_BUILD === '1';

await build({
  entryPoints: [join(root, 'functions/index.ts')],
  outfile: join(root, 'dist/app/main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
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
