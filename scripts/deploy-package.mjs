// Builds the folder `azd deploy` zips for the function app (azure.yaml: dist .deploy/api, remoteBuild false): the
// bundle (dist/app), host.json, package.json without its scripts, the lock file, .funcignore, and the production
// dependencies installed from the lock file. Nothing is built in Azure.
//
//   node scripts/deploy-package.mjs [--out <folder>] [--no-build]
//
// --out defaults to .deploy/api; --no-build reuses dist/app as it is. Prints the package's size.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 ? args[outAt + 1] : join(root, '.deploy/api'));

function run(cmd, cmdArgs, cwd) {
  const result = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function folderBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(path) : entry.isFile() ? statSync(path).size : 0);
  }, 0);
}

if (!args.includes('--no-build')) run(process.execPath, [join(root, 'scripts/build.mjs'), '--no-web'], root);
if (!existsSync(join(root, 'dist/app/main.js'))) throw new Error('dist/app/main.js is missing: run the build first');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'dist'), { recursive: true });
cpSync(join(root, 'dist/app'), join(out, 'dist/app'), { recursive: true });
for (const file of ['host.json', 'package-lock.json', '.funcignore']) cpSync(join(root, file), join(out, file));
// No scripts: nothing in the package builds or installs anything when it runs.
const { scripts: _scripts, ...pkg } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
run(npm, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], out);

const bytes = folderBytes(out);
const where = relative(root, out).startsWith('..') ? out : relative(root, out);
console.log(`deploy package: ${where}, ${(bytes / 1024 / 1024).toFixed(1)} MB unzipped (${bytes} bytes)`);
