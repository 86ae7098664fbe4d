// The API's rate limits on the local runtime: a token bucket per person (by tier) and per client address for the
// routes that need no sign-in; 429 problem+json with Retry-After and the RateLimit-Policy / RateLimit fields.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import { createRateLimiter } from '../../shared/platform/http/rate-limit';
import { DEFAULT_RATE_LIMITS } from '../../shared/platform/config/rate-limits';
import { RateLimitedError } from '../../shared/platform/errors';

// Small buckets that refill slowly (one request a minute), so a burst empties them whatever the machine's speed.
const BURST = 8;
const ADDRESS_BURST = 5;

let t: TestPlatform;

before(async () => {
  t = await startTestPlatform({
    settings: {
      API_RATE_LIMITS: JSON.stringify({
        free: { burst: BURST, perMinute: 1 },
        address: { burst: ADDRESS_BURST, perMinute: 1 },
      }),
    },
  });
});

after(async () => {
  await t?.platform.stop();
});

/** `r` of a `RateLimit` field: the requests left in the bucket. */
function remaining(headers: Headers): number {
  const match = /^"\w+";r=(\d+);t=\d+$/.exec(headers.get('ratelimit') ?? '');
  assert.ok(match, `RateLimit: ${headers.get('ratelimit')}`);
  return Number(match[1]);
}

async function get(path: string, init: { token?: string; headers?: Record<string, string> } = {}) {
  return t.json(path, init);
}

describe('per-person rate limit', () => {
  let noisy: Person;
  let quiet: Person;

  before(async () => {
    noisy = await t.person('noisy@example.com');
    quiet = await t.person('quiet@example.com');
  });

  test('a noisy person is refused once their bucket is empty; a quiet person is never refused', async () => {
    const burst = Array.from({ length: BURST * 4 }, () => get('/usage', { token: noisy.token }));
    // The quiet person keeps working while the noisy one's burst is answered.
    const quietAnswers = [];
    for (let i = 0; i < 5; i++) quietAnswers.push(await get('/usage', { token: quiet.token }));
    const noisyAnswers = await Promise.all(burst);

    const accepted = noisyAnswers.filter((r) => r.status === 200).length;
    const refused = noisyAnswers.filter((r) => r.status === 429).length;
    assert.equal(accepted + refused, noisyAnswers.length, noisyAnswers.map((r) => r.status).join(','));
    // The person's sign-in (/me) took one token; a refill could add one more while the burst runs.
    assert.ok(accepted <= BURST, `accepted ${accepted}`);
    assert.ok(refused >= BURST * 3 - 1, `refused ${refused}`);

    assert.deepEqual(
      quietAnswers.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    // The quiet person's own bucket: untouched by the noisy one's burst (sign-in + 5 requests taken).
    assert.ok(remaining(quietAnswers.at(-1)!.headers) >= BURST - 6, quietAnswers.at(-1)!.headers.get('ratelimit')!);
  });

  test('a refused request is answered 429 rate-limited with Retry-After and the RateLimit fields, before any work', async () => {
    // An invalid body would be a 400 if it were read: the refusal comes first.
    const res = await t.json('/agents', { method: 'POST', token: noisy.token, json: { templateId: 42 } });
    assert.equal(res.status, 429, JSON.stringify(res.body));
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.match(res.body.type, /\/rate-limited$/);
    assert.equal(res.body.correlationId, res.headers.get('x-correlation-id'));
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(res.body.retryAfterSeconds, retryAfter);
    // q = the burst, w = seconds for an empty bucket to refill (8 requests at 1 a minute).
    assert.equal(res.headers.get('ratelimit-policy'), `"free";q=${BURST};w=480`);
    assert.match(res.headers.get('ratelimit') ?? '', /^"free";r=0;t=\d+$/);
  });

  test('accepted answers carry the caller’s RateLimit fields too', async () => {
    const someone = await t.person('someone@example.com');
    const res = await get('/usage', { token: someone.token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('ratelimit-policy'), `"free";q=${BURST};w=480`);
    assert.ok(remaining(res.headers) >= BURST - 2, res.headers.get('ratelimit')!);
  });
});

describe('per-address rate limit on routes without sign-in', () => {
  test('client config: one address is refused after its burst, another address is not', async () => {
    const noisy = { 'x-forwarded-for': '203.0.113.5:51234' };
    const answers = await Promise.all(
      Array.from({ length: ADDRESS_BURST * 3 }, () => get('/client-config', { headers: noisy })),
    );
    const accepted = answers.filter((r) => r.status === 200).length;
    assert.ok(accepted >= 1 && accepted <= ADDRESS_BURST + 1, `accepted ${accepted}`);
    const refused = answers.find((r) => r.status === 429);
    assert.ok(refused, answers.map((r) => r.status).join(','));
    assert.match(refused.body.type, /\/rate-limited$/);
    assert.equal(refused.headers.get('ratelimit-policy'), `"address";q=${ADDRESS_BURST};w=300`);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);

    // What the client puts in front of the address the platform appends does not give it a new bucket.
    const spoofed = await get('/client-config', { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.5:40000' } });
    assert.equal(spoofed.status, 429);

    const other = await get('/client-config', { headers: { 'x-forwarded-for': '198.51.100.7:40000' } });
    assert.equal(other.status, 200);
    const ipv6 = await get('/client-config', { headers: { 'x-forwarded-for': '[2001:db8::1]:443' } });
    assert.equal(ipv6.status, 200);
  });

  test('email-link approval pages are limited by address and answer 429 as a page', async () => {
    const from = { 'x-forwarded-for': '192.0.2.44' };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < ADDRESS_BURST + 2; i++) {
      last = await t.platform.api('/approvals/not-a-real-token', { headers: from });
      statuses.push(last.status);
      await last.text();
    }
    assert.notEqual(statuses[0], 429);
    assert.equal(statuses.at(-1), 429, statuses.join(','));
    assert.match(last!.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
  });

  test('the health probe is not limited', async () => {
    const answers = await Promise.all(Array.from({ length: ADDRESS_BURST * 2 }, () => t.platform.api('/health')));
    for (const res of answers) await res.text();
    assert.ok(answers.every((r) => r.status !== 429));
  });
});

describe('the rate limiter on its own', () => {
  test('buckets refill at their rate and one key never drains another', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const limiter = createRateLimiter({
      clock: { now: () => new Date(now) },
      sizes: { ...DEFAULT_RATE_LIMITS, pro: { burst: 3, perMinute: 60 } },
      tierOf: async () => 'pro',
    });
    for (let i = 0; i < 3; i++) await limiter.takeForTenant('noisy');
    await assert.rejects(limiter.takeForTenant('noisy'), (err: unknown) => {
      assert.ok(err instanceof RateLimitedError);
      assert.equal(err.headers['Retry-After'], '1');
      return true;
    });
    assert.equal((await limiter.takeForTenant('quiet')).RateLimit, '"pro";r=2;t=1');
    now += 1_000;
    assert.equal((await limiter.takeForTenant('noisy')).RateLimit, '"pro";r=0;t=3');
  });
});
