/**
 * `npm run bench:coldstart`: process start → "all functions registered" for the built app, next to a bare
 * `@azure/functions` app (one HTTP function) loaded the same way (the runtime's `@azure/functions-core` provider, one
 * fresh process per run, runs interleaved). Prints the median of each figure and the ratios; asserts nothing.
 * Budget: within 2x of the bare app and under 100 MB peak RSS.
 * Options: `--runs <n>` (default 9).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { entryFiles } from '../local/host/app-loader';
import { loadLocalSettings } from '../local/host/app-config';

interface Sample {
  registeredMs: number;
  cpuMs: number;
  peakRssMb: number;
  functions: number;
}

const root = resolve(__dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');

const probeDir = join(tmpdir(), 'coldstart-bench');
mkdirSync(probeDir, { recursive: true });
const probe = join(probeDir, 'probe.cjs');
buildSync({
  entryPoints: [join(__dirname, 'coldstart-probe.ts')],
  outfile: probe,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
});

const apps = {
  app: { entry: join(root, entryFiles(root).files[0]!), env: loadLocalSettings(root).values },
  bare: { entry: join(__dirname, 'bare-app/index.js'), env: {} as Record<string, string> },
};

function once(name: keyof typeof apps): Sample {
  const { entry, env } = apps[name];
  const result = spawnSync(process.execPath, [probe, entry], {
    cwd: root,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${name} failed to start:\n${result.stderr}`);
  const line = result.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as Sample;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

once('app'); // warm the file system cache for both, as a deployed app would be
once('bare');
const samples: Record<keyof typeof apps, Sample[]> = { app: [], bare: [] };
for (let i = 0; i < runs; i++) {
  samples.app.push(once('app'));
  samples.bare.push(once('bare'));
}

const summary = (name: keyof typeof apps) => ({
  registeredMs: median(samples[name].map((s) => s.registeredMs)),
  cpuMs: median(samples[name].map((s) => s.cpuMs)),
  peakRssMb: median(samples[name].map((s) => s.peakRssMb)),
  functions: samples[name][0]!.functions,
});
const app = summary('app');
const bare = summary('bare');
const fmt = (n: number) => n.toFixed(0).padStart(6);

console.log(
  `Cold start: process start -> all functions registered (median of ${runs} runs each, Node ${process.version})`,
);
const row = (label: string, s: ReturnType<typeof summary>) =>
  console.log(
    `  ${label.padEnd(32)} ${fmt(s.registeredMs)}   ${fmt(s.cpuMs)}   ${fmt(s.peakRssMb)}        ${s.functions}`,
  );
console.log(`  ${''.padEnd(32)} wall ms   cpu ms   peak RSS MB   functions`);
row(`built app (${apps.app.entry.slice(root.length + 1)})`, app);
row('bare @azure/functions app', bare);
const wallRatio = app.registeredMs / bare.registeredMs;
const cpuRatio = app.cpuMs / bare.cpuMs;
console.log(`  ratio (app / bare): wall ${wallRatio.toFixed(2)}x, cpu ${cpuRatio.toFixed(2)}x`);
console.log(
  `  budget: within 2x of the bare app (${wallRatio <= 2 ? 'met' : 'NOT met'} on wall time) and under 100 MB RSS (${app.peakRssMb < 100 ? 'met' : 'NOT met'})`,
);
