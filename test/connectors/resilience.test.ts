import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createResilientFetch } from '../../shared/connectors/resilient-fetch';
import { retryAfterMs } from '../../shared/platform/retry';
import { collectPages } from '../../shared/connectors/paging';
import { safeBodyText, trimQuotedHistory } from '../../shared/connectors/text';
import { toSafeError } from '../../shared/connectors/provider-errors';
import { docxText } from '../../shared/connectors/providers/file-text';

describe('provider calls: retries, 401 handling, paging, safe errors, text', () => {
  let url: string;
  let script: { status: number; headers?: Record<string, string> }[] = [];
  const seen: { method: string; auth: string; body: string }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ method: req.method!, auth: req.headers.authorization ?? '', body: Buffer.concat(chunks).toString() });
    const next = script.shift() ?? { status: 200 };
    res.writeHead(next.status, next.headers ?? {});
    res.end(next.status === 200 ? '{"ok":true}' : '{"error":"x"}');
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const waits: number[] = [];
  const make = (opts: Partial<Parameters<typeof createResilientFetch>[0]> = {}) =>
    createResilientFetch({
      token: async ({ force }) => (force ? 'fresh' : 'old'),
      onRevoked: async () => undefined,
      maxRetries: 3,
      maxDelayMs: 5000,
      sleep: async (ms) => void waits.push(ms),
      ...opts,
    });

  it('retries 429 honouring Retry-After (capped) and resends the body', async () => {
    script = [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 200 },
    ];
    seen.length = 0;
    waits.length = 0;
    const res = await make()(url, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    assert.deepEqual(waits, [2000, 5000]);
    assert.deepEqual(
      seen.map((s) => s.body),
      ['{"a":1}', '{"a":1}', '{"a":1}'],
    );
    assert.ok(seen.every((s) => s.auth === 'Bearer old'));
  });

  it('retries 5xx only for idempotent methods, and gives up after the limit', async () => {
    script = [{ status: 500 }, { status: 200 }];
    assert.equal((await make()(url)).status, 200);
    script = [{ status: 500 }, { status: 200 }];
    seen.length = 0;
    assert.equal((await make()(url, { method: 'POST', body: 'x' })).status, 500, 'a POST is not repeated on 500');
    assert.equal(seen.length, 1);
    script = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];
    seen.length = 0;
    assert.equal((await make()(url)).status, 503);
    assert.equal(seen.length, 4);
    script = [];
  });

  it('a 401 refreshes the token once; a second 401 reports the access as revoked', async () => {
    script = [{ status: 401 }, { status: 200 }];
    seen.length = 0;
    assert.equal((await make()(url)).status, 200);
    assert.deepEqual(
      seen.map((s) => s.auth),
      ['Bearer old', 'Bearer fresh'],
    );
    let revoked = 0;
    script = [{ status: 401 }, { status: 401 }];
    assert.equal((await make({ onRevoked: async () => void revoked++ })(url)).status, 401);
    assert.equal(revoked, 1);
  });

  it('reads Retry-After as seconds or a date', () => {
    const retryAfter = (value: string) => retryAfterMs(new Headers({ 'retry-after': value }));
    assert.equal(retryAfter('3'), 3000);
    assert.equal(retryAfter(new Date(Date.now() + 10_000).toUTCString())! > 8000, true);
    assert.equal(retryAfter('soon'), undefined);
  });

  it('pages to completion within limits and reports when it stopped early', async () => {
    const pages = [
      { items: [1, 2], nextCursor: 'a' },
      { items: [3], nextCursor: 'b', partial: { reason: 'One message could not be read.', skipped: 1 } },
      { items: [4, 5], nextCursor: null },
    ];
    const all = await collectPages(async ({ cursor }) => pages[cursor === undefined ? 0 : cursor === 'a' ? 1 : 2]!, {
      maxPages: 10,
      maxItems: 100,
    });
    assert.deepEqual(all.items, [1, 2, 3, 4, 5]);
    assert.equal(all.partial?.skipped, 1);
    const capped = await collectPages(async ({ cursor }) => pages[cursor === undefined ? 0 : cursor === 'a' ? 1 : 2]!, {
      maxPages: 1,
      maxItems: 100,
    });
    assert.deepEqual(capped.items, [1, 2]);
    assert.match(capped.partial!.reason, /there are more/);
  });

  it('maps vendor errors to safe messages', () => {
    const leaky = Object.assign(new Error('GET https://gmail.googleapis.com/x?access_token=ya29.secret failed'), {
      response: { status: 500 },
    });
    const safe = toSafeError(leaky, 'Gmail');
    assert.doesNotMatch(safe.message, /ya29|googleapis/);
    assert.equal(
      (toSafeError(Object.assign(new Error('x'), { code: 404 }), 'Gmail') as Error & { status: number }).status,
      404,
    );
    assert.equal(
      (toSafeError(Object.assign(new Error('x'), { statusCode: 403 }), 'Outlook') as Error & { status: number }).status,
      403,
    );
  });

  it('a "reconnect" raised while getting the token comes out of every vendor SDK as itself', async () => {
    const { ConflictError } = await import('../../shared/platform/errors');
    const { trackTokenFailures, withSafeErrors } = await import('../../shared/connectors/provider-errors');
    const { loadSettings } = await import('../../shared/platform/config');
    const settings = loadSettings({
      GOOGLE_API_ROOT_URL: url,
      MICROSOFT_GRAPH_BASE_URL: url.replace(/\/x$/, ''),
      NOTION_API_BASE_URL: url.replace(/\/x$/, ''),
    });
    const tracked = trackTokenFailures(async () => {
      throw new ConflictError('The Google connection needs to be reconnected.');
    });
    const refused = createResilientFetch({
      token: tracked.token,
      onRevoked: async () => undefined,
      maxRetries: 0,
      maxDelayMs: 0,
    });
    const { createGmailProvider } = await import('../../shared/connectors/providers/google-mail');
    const { createOutlookCalendarProvider } = await import('../../shared/connectors/providers/microsoft-calendar');
    const { createNotionProvider } = await import('../../shared/connectors/providers/notion');
    const ledger = { get: async () => undefined, put: async () => undefined };
    const calls = [
      async () =>
        withSafeErrors(await createGmailProvider(settings, refused, ledger), 'Gmail', tracked.failure).listMessages({}),
      async () =>
        withSafeErrors(
          await createOutlookCalendarProvider(settings, refused),
          'Outlook Calendar',
          tracked.failure,
        ).listEvents({ from: new Date().toISOString(), to: new Date().toISOString() }),
      async () => withSafeErrors(await createNotionProvider(settings, refused), 'Notion', tracked.failure).search({}),
    ];
    for (const call of calls)
      await assert.rejects(
        call(),
        (err: Error & { status?: number }) => err.status === 409 && /reconnected/.test(err.message),
      );
  });

  it('turns HTML mail into text and trims quoted history', async () => {
    const html = await safeBodyText({ html: '<p>Hello <b>there</b></p><script>alert(1)</script><img src="x">' });
    assert.equal(html.text, 'Hello there');
    const { text, trimmed } = trimQuotedHistory(
      'Sounds good.\n\nOn Tue, 3 Jun 2025, Ada <ada@x.org> wrote:\n> earlier\n> text',
    );
    assert.equal(text, 'Sounds good.');
    assert.equal(trimmed, true);
    const outlook = trimQuotedHistory('Yes.\n\nFrom: Tom\nSent: Monday\nSubject: x\n\nold');
    assert.equal(outlook.text, 'Yes.');
    assert.equal(trimQuotedHistory('No quotes here.').trimmed, false);
    const long = await safeBodyText({ text: 'a'.repeat(30_000) });
    assert.equal(long.truncated, true);
    assert.ok(long.text.length <= 20_001);
  });

  it('reads the text of a Word document', async () => {
    const { deflateRawSync } = await import('node:zlib');
    const xml = Buffer.from(
      '<w:document><w:body><w:p><w:r><w:t>Hello &amp; welcome</w:t></w:r></w:p><w:p><w:r><w:t>Second line</w:t></w:r></w:p></w:body></w:document>',
    );
    const name = Buffer.from('word/document.xml');
    const data = deflateRawSync(xml);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(xml.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(xml.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const centralOffset = local.length + name.length + data.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(centralOffset, 16);
    const zip = Buffer.concat([local, name, data, central, name, end]);
    assert.equal(docxText(zip), 'Hello & welcome\nSecond line');
    assert.equal(docxText(Buffer.from('not a zip')), undefined);
  });
});
