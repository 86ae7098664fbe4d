// The local runtime's HTTP handling against the real host's: Set-Cookie as ASP.NET Core writes it, repeated request
// headers and query keys joined as Kestrel's StringValues joins them, and a chunked request body (no Content-Length)
// that the host does not hand to the worker.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';

const APP = join(__dirname, '../fixtures/conformance-app');

/** A raw HTTP/1.1 exchange over a socket, so that any header can repeat and the body can be chunked. */
function send(
  origin: string,
  path: string,
  options: { method?: string; headers?: [string, string][]; chunks?: string[] },
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const head = [`${options.method ?? 'GET'} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close'];
      for (const [name, value] of options.headers ?? []) head.push(`${name}: ${value}`);
      const chunked = (options.headers ?? []).some(([n, v]) => n === 'transfer-encoding' && v === 'chunked');
      const body = (options.chunks ?? []).map((chunk) =>
        chunked ? `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n` : chunk,
      );
      // One write: a server that answers without reading the body may close before a later write (EPIPE).
      socket.write(`${head.join('\r\n')}\r\n\r\n${body.join('')}${chunked ? '0\r\n\r\n' : ''}`);
    });
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (raw += data));
    const answer = () => {
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      const body = rest.join('\r\n\r\n');
      // The runtime answers with Content-Length, so the body is the rest of the stream.
      resolve({ status, body });
    };
    // A server that closes with the request body unread resets the connection (TCP RST) after its answer: the answer
    // already received is what counts.
    socket.on('error', (err) => (raw.includes('\r\n\r\n') ? answer() : reject(err)));
    socket.on('end', answer);
  });
}

describe('local runtime: HTTP as the host writes and forwards it', () => {
  let platform: LocalPlatform;
  before(async () => {
    platform = await startLocalPlatform({ app: APP, services: [] });
  });
  after(() => platform?.stop());

  it('escapes cookie values as ASP.NET Core does and gives a cookie without a path Path=/', async () => {
    const res = await platform.api('/cookieJar');
    assert.equal(res.status, 200);
    assert.deepEqual(res.headers.getSetCookie(), [
      'pref=a%20b%3Bc%3Dd%2F%C3%A9%21%2A%27%28%29~; path=/',
      'cross=x; domain=example.test; path=/app; secure; samesite=none',
      'until=y; expires=Wed, 02 Jan 2030 03:04:06 GMT; max-age=90; path=/', // the library rounds to seconds
    ]);
    const bad = await platform.api('/cookieJar?bad=name');
    assert.equal(bad.status, 500, 'a cookie name that is not a token fails the response, as in the host');
  });

  it('joins repeated request headers and query keys with a bare comma, skipping empty values', async () => {
    const reply = await send(platform.origin, '/api/echo/h?tag=a&tag=&tag=b&solo=', {
      headers: [
        ['x-custom', 'one'],
        ['x-custom', 'two'],
        ['cookie', 'a=1'],
        ['cookie', 'b=2'],
      ],
    });
    assert.equal(reply.status, 200);
    const echo = JSON.parse(reply.body) as Record<string, any>;
    assert.equal(echo.custom, 'one,two');
    assert.equal(echo.cookie, 'a=1,b=2');
    assert.deepEqual(echo.queryAll, ['a,b']);
    assert.equal(echo.query.solo, '');
  });

  it('hands the function an empty body for a chunked request without Content-Length', async () => {
    const chunked = await send(platform.origin, '/api/echo/c', {
      method: 'POST',
      headers: [
        ['content-type', 'text/plain'],
        ['transfer-encoding', 'chunked'],
      ],
      chunks: ['hello ', 'world'],
    });
    assert.equal(chunked.status, 200);
    assert.equal(JSON.parse(chunked.body).bodyText, '', 'the host reads a body only when Content-Length > 0');
    const sized = await send(platform.origin, '/api/echo/c', {
      method: 'POST',
      headers: [
        ['content-type', 'text/plain'],
        ['content-length', '11'],
      ],
      chunks: ['hello world'],
    });
    assert.equal(JSON.parse(sized.body).bodyText, 'hello world');
  });
});
