import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTarget, createSafeFetch, isAllowedAddress, type Resolver } from '../../shared/api-access/safe-fetch';
import { startReceiver } from './receiver';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
before(async () => {
  receiver = await startReceiver((req) => {
    if (req.path === '/big') return { status: 200, body: 'x'.repeat(1_000_000) };
    if (req.path === '/redirect') return { status: 302, headers: { location: receiver.url('/elsewhere') } };
    if (req.path === '/slow') return 'hang';
    return { status: 204, body: '' };
  });
});
after(() => receiver.close());

const fixed =
  (...answers: string[][]): Resolver =>
  async () => {
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    return next.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
  };

describe('outbound webhook requests', () => {
  test('private, loopback, link-local and metadata addresses are refused; public ones allowed', () => {
    for (const address of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::10.0.0.1',
      '224.0.0.1',
    ])
      assert.equal(isAllowedAddress(address, false), false, address);
    for (const address of ['93.184.216.34', '2606:4700::6810:85e5', '::ffff:93.184.216.34'])
      assert.equal(isAllowedAddress(address, false), true, address);
    assert.equal(isAllowedAddress('127.0.0.1', true), true, 'loopback with the local setting');
    assert.equal(isAllowedAddress('10.1.2.3', true), false, 'private stays refused with the local setting');
  });

  test('a webhook to a private or loopback address is refused outside local settings; http only to loopback locally', async () => {
    const publicName = fixed(['93.184.216.34']);
    await assert.rejects(checkTarget(receiver.url('/hook'), { allowLoopback: false }), /https/);
    await assert.rejects(checkTarget('https://127.0.0.1/hook', { allowLoopback: false }), /private, loopback/);
    await assert.rejects(
      checkTarget('https://internal.example/hook', { allowLoopback: false, resolve: fixed(['10.0.0.5']) }),
      /private, loopback/,
    );
    await assert.rejects(
      checkTarget('https://mixed.example/hook', {
        allowLoopback: false,
        resolve: fixed(['93.184.216.34', '10.0.0.5']),
      }),
      /private, loopback/,
      'one inside address among public ones is enough to refuse',
    );
    await assert.rejects(checkTarget('http://hooks.example/x', { allowLoopback: true, resolve: publicName }), /https/);
    await checkTarget('https://hooks.example/x', { allowLoopback: false, resolve: publicName });
    await checkTarget(receiver.url('/hook'), { allowLoopback: true });
    const refused = createSafeFetch({ allowLoopback: false, timeoutMs: 2000 });
    await assert.rejects(refused.post(receiver.url('/hook'), {}, '{}'), /https/);
    assert.equal(receiver.at('/hook').length, 0, 'nothing reached the receiver');
  });

  test('a rebinding name (first public, then private) is refused when the delivery connects', async () => {
    const resolve = fixed(['93.184.216.34'], ['127.0.0.1']);
    await checkTarget('https://rebind.example/hook', { allowLoopback: false, resolve });
    const send = createSafeFetch({ allowLoopback: false, timeoutMs: 5000, resolve });
    await assert.rejects(send.post('https://rebind.example/hook', {}, '{}'), /private, loopback/);
  });

  test('the connection goes to the address the check resolved, once per attempt', async () => {
    const asked: string[] = [];
    const send = createSafeFetch({
      allowLoopback: true,
      timeoutMs: 5000,
      resolve: async (host) => {
        asked.push(host);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const res = await send.post(`http://receiver.localhost:${receiver.port}/pinned`, {}, '{}');
    assert.equal(res.status, 204);
    assert.deepEqual(asked, ['receiver.localhost'], 'the connection used the checked lookup');
    assert.equal(receiver.at('/pinned').length, 1);
  });

  test('no redirects are followed, the answer is read up to a few KB, and a silent receiver times out', async () => {
    const send = createSafeFetch({ allowLoopback: true, timeoutMs: 1500 });
    const redirected = await send.post(receiver.url('/redirect'), {}, '{}');
    assert.equal(redirected.status, 302);
    assert.equal(receiver.at('/elsewhere').length, 0);
    const big = await send.post(receiver.url('/big'), {}, '{}');
    assert.ok(big.body.length <= 4096, `read ${big.body.length} bytes`);
    const started = Date.now();
    await assert.rejects(send.post(receiver.url('/slow'), {}, '{}'));
    assert.ok(Date.now() - started < 10_000);
  });
});
