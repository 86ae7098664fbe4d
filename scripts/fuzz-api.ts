/**
 * `npm run fuzz:api`: the API fuzz test's longer run. Starts the local runtime (build first: `node scripts/build.mjs`),
 * gives a person real resources, and sends every operation of the OpenAPI document bad inputs derived from its
 * schemas, with a random seed unless one is given. Prints the seed (to replay a run), the answers by status and every
 * finding: a 5xx, a bad request that was accepted, an answer that is not problem+json or does not name the field, or
 * a refused request that changed the person's data. Exits 1 when there are findings.
 * Options: `--seed <n>`, `--requests <n>` (default 5000).
 */
import { parseArgs } from 'node:util';
import { startLocalPlatform } from '../local/testing';
import { describeFindings, fuzzApi } from '../test/platform/support/api-fuzz';
import { createFuzzTarget } from '../test/platform/support/fuzz-fixture';

const { values } = parseArgs({ options: { seed: { type: 'string' }, requests: { type: 'string' } } });
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const requests = Number(values.requests ?? 5000);

async function main(): Promise<void> {
  // One person sends hundreds of requests a second: the API rate limit would answer most of them with 429.
  const platform = await startLocalPlatform({ settings: { API_RATE_LIMIT_ENABLED: 'false' } });
  try {
    const report = await fuzzApi(await createFuzzTarget(platform), seed, requests);
    console.log(`seed ${report.seed}: ${report.requests} requests over ${report.operations} operations`);
    console.log(`in ${(report.durationMs / 1000).toFixed(1)} s; answers by status ${JSON.stringify(report.statuses)}`);
    console.log(
      report.findings.length ? `${report.findings.length} findings:\n${describeFindings(report)}` : 'no findings',
    );
    process.exitCode = report.findings.length ? 1 : 0;
  } finally {
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
