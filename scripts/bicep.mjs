// Compiles and lints bicep/ with the Bicep CLI, restored from NuGet (Azure.Bicep.CommandLine.linux-x64) at a pinned
// version into .cache/bicep/ (git-ignored) the first time, then reused.
//
//   node scripts/bicep.mjs            build bicep/main.bicep into dist/bicep/main.json, then lint every template
//
// Every compiler warning and every linter finding fails (bicep/bicepconfig.json sets the recommended rules to error).
// Without the .NET SDK it says so and exits 0, except in CI (CI=true), which always has it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const BICEP_VERSION = '0.49.2';
const PACKAGE = 'Azure.Bicep.CommandLine.linux-x64';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache/bicep');
const bicepDir = join(root, 'bicep');
/** The compiled ARM template the deploy tests read. */
export const compiledTemplate = join(root, 'dist/bicep/main.json');

const quietDotnet = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };

function hasDotnet() {
  return spawnSync('dotnet', ['--version'], { stdio: 'ignore', env: quietDotnet }).status === 0;
}

/** Path of the bicep binary, restored from NuGet into the cache when missing. */
function bicepBinary() {
  const binary = join(cache, 'packages', PACKAGE.toLowerCase(), BICEP_VERSION, 'tools/bicep');
  if (!existsSync(binary)) {
    mkdirSync(cache, { recursive: true });
    // A throwaway project whose only job is to download the package (PackageDownload: no assets, no target).
    writeFileSync(
      join(cache, 'restore.csproj'),
      `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="${PACKAGE}" Version="[${BICEP_VERSION}]" /></ItemGroup>
</Project>
`,
    );
    const restore = spawnSync(
      'dotnet',
      ['restore', join(cache, 'restore.csproj'), '--packages', join(cache, 'packages')],
      {
        stdio: 'inherit',
        env: quietDotnet,
      },
    );
    if (restore.status !== 0 || !existsSync(binary)) throw new Error(`could not restore ${PACKAGE} ${BICEP_VERSION}`);
  }
  chmodSync(binary, 0o755);
  return binary;
}

function bicepFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return bicepFiles(path);
    return entry.name.endsWith('.bicep') ? [path] : [];
  });
}

/** Runs bicep; any diagnostic (warning or error) is a failure. Returns the diagnostics it printed. */
function run(binary, args) {
  const result = spawnSync(binary, args, { cwd: root, encoding: 'utf8', env: { ...process.env, DOTNET_NOLOGO: '1' } });
  const diagnostics = `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((line) => / : (Warning|Error|Info) /.test(line))
    .map((line) => line.replace(`${root}/`, ''));
  if (result.status !== 0 && diagnostics.length === 0) diagnostics.push(result.stderr || `bicep ${args[0]} failed`);
  return diagnostics;
}

/** Builds and lints; returns false when the .NET SDK is missing outside CI (nothing was checked). */
export function checkBicep() {
  if (!hasDotnet()) {
    if (process.env.CI === 'true')
      throw new Error('bicep: the .NET SDK (dotnet) is required in CI to restore the Bicep CLI');
    console.log('bicep: SKIPPED — the .NET SDK (dotnet) is not installed, so bicep/ was neither compiled nor linted');
    return false;
  }
  const binary = bicepBinary();
  mkdirSync(dirname(compiledTemplate), { recursive: true });
  const problems = [
    ...run(binary, ['build', join(bicepDir, 'main.bicep'), '--outfile', compiledTemplate]),
    // One process lints every template (each module on its own, with the same rules).
    ...run(binary, ['lint', '--pattern', 'bicep/**/*.bicep']),
  ];
  const unique = [...new Set(problems)];
  if (unique.length > 0) {
    console.error(`bicep: ${unique.length} problem(s)\n${unique.join('\n')}`);
    process.exit(1);
  }
  console.log(
    `bicep: ${BICEP_VERSION} compiled and linted ${bicepFiles(bicepDir).length} templates, no findings (${relative(root, compiledTemplate)})`,
  );
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) checkBicep();
