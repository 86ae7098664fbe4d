// Every operation of the OpenAPI document gets bad inputs derived from its own schemas (a fixed seed and a bounded
// number of requests; `npm run fuzz:api` runs longer with a random seed). None may become a 5xx; each is refused with
// problem+json naming the field, and a refused request changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { describeFindings, fuzzApi } from './support/api-fuzz';
import { createFuzzTarget } from './support/fuzz-fixture';

const SEED = 20260219;
const MAX_REQUESTS = 480;

let platform: LocalPlatform;

before(async () => {
  // Hundreds of requests from one person in seconds: far beyond the API's rate limit, which is not what this tests.
  platform = await startLocalPlatform({ settings: { API_RATE_LIMIT_ENABLED: 'false' } });
});
after(() => platform?.stop());

test('bad input to any operation is a clear 4xx, never a 5xx, and changes nothing', async (t) => {
  const setUp = performance.now();
  const target = await createFuzzTarget(platform);
  const report = await fuzzApi(target, SEED, MAX_REQUESTS);
  t.diagnostic(
    `${report.requests} requests over ${report.operations} operations in ${report.durationMs} ms ` +
      `(fixture ${Math.round(performance.now() - setUp - report.durationMs)} ms); statuses ${JSON.stringify(report.statuses)}`,
  );
  assert.ok(report.operations >= 40, `the document lists every operation (${report.operations})`);
  assert.ok(report.requests >= 450, `enough requests were sent (${report.requests})`);
  assert.equal(report.findings.length, 0, `\n${describeFindings(report)}`);
});
