// Requests over the Functions host's limits get the host's answers: Kestrel's defaults, which the host keeps, allow
// a request line of 8 KB (longer: 414) and 32 KB / 100 request headers (more: 431), answered with an empty body.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { listenRuntimeServer, type RuntimeServer } from '../../local/host/server';

let runtime: RuntimeServer;

before(async () => {
  runtime = await listenRuntimeServer(0, '127.0.0.1', () => undefined);
  runtime.ready(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('routed');
  });
});
after(() => runtime?.close(1000));

function send(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: runtime.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request size limits, as the Functions host answers them', () => {
  it('routes requests within the limits', async () => {
    const ok = await send(`/api/x?q=${'a'.repeat(7000)}`, { 'x-big': 'b'.repeat(30_000) });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'routed');
  });

  it('answers 414 with an empty body for a request line over 8 KB', async () => {
    for (const length of [8200, 60_000]) {
      const res = await send(`/api/x?q=${'a'.repeat(length)}`);
      assert.equal(res.status, 414, `URL of ${length}`);
      assert.equal(res.body, '');
      assert.equal(res.connection, 'close');
    }
  });

  it('answers 431 with an empty body for headers over 32 KB or more than 100 of them', async () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`x-h${i}`, 'v']));
    for (const headers of [{ 'x-big': 'b'.repeat(33_000) }, { 'x-huge': 'b'.repeat(60_000) }, many]) {
      const res = await send('/api/x', headers);
      assert.equal(res.status, 431);
      assert.equal(res.body, '');
    }
  });
});
