/**
 * One cold start, as the Functions worker does it: provide `@azure/functions-core` (the local runtime's own provider),
 * load the app's entry file, lock registrations. Prints what it measured as one JSON line. Bundled and run by
 * bench/coldstart.ts in a fresh process per run.
 */
import { installFunctionsCore } from '../local/host/functions-core';

const entry = process.argv[2];
if (!entry) throw new Error('usage: coldstart-probe <entry file>');
const core = installFunctionsCore();
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(entry);
core.lock();
const registeredMs = performance.now(); // milliseconds since this process started
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    registeredMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    functions: core.functions.size,
  }),
);
