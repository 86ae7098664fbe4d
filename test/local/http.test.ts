// The local runtime serves HTTP triggers as the Functions host does: route templates, methods, bodies, cookies,
// host-style 404/204/500, settings, and the web app for every other path.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';

const APP = join(__dirname, '../fixtures/conformance-app');

describe('local runtime: HTTP triggers', () => {
  let platform: LocalPlatform;
  before(async () => {
    platform = await startLocalPlatform({ app: APP, services: [], settings: { OVERRIDE_ME: 'from the test' } });
  });
  after(() => platform?.stop());

  const json = async (res: Response) => {
    assert.equal(res.headers.get('content-type'), 'application/json', `status ${res.status}`);
    return (await res.json()) as Record<string, any>;
  };

  it('matches route constraints in the host order, and shares a route between methods', async () => {
    assert.deepEqual(await json(await platform.api('/items/42')), { kind: 'int', id: '42' });
    const guid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    assert.deepEqual(await json(await platform.api(`/items/${guid}`)), { kind: 'guid', id: guid });
    assert.deepEqual(await json(await platform.api('/items/books')), { kind: 'alpha', name: 'books' });
    assert.equal((await platform.api('/items/b')).status, 404, 'minlength(2) rejects a single letter');
    assert.equal((await platform.api('/items/12ab')).status, 404);
    assert.deepEqual(await json(await platform.api('/items')), { kind: 'list' });
    const created = await platform.api('/items', { json: { title: 'Dune' } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/api/items/7');
    assert.deepEqual(await created.json(), { created: { title: 'Dune' } });
  });

  it('supports optional, defaulted, multi-part and catch-all parameters, and the function name as default route', async () => {
    assert.deepEqual(await json(await platform.api('/opt')), { x: null });
    assert.deepEqual(await json(await platform.api('/opt/yes')), { x: 'yes' });
    assert.deepEqual(await json(await platform.api('/page')), { n: '1' });
    assert.deepEqual(await json(await platform.api('/page/3')), { n: '3' });
    assert.deepEqual(await json(await platform.api('/files/report.final.pdf')), { name: 'report.final', ext: 'pdf' });
    const echo = await json(await platform.api('/echo/a/b%20c/d'));
    assert.deepEqual(echo.params, { rest: 'a/b c/d' });
    const plain = await platform.api('/PLAIN', { method: 'POST' });
    assert.equal(await plain.text(), 'plain POST', 'literal segments and the route prefix are case-insensitive');
  });

  it('answers 404 like the host for unknown routes and for methods a route does not accept', async () => {
    for (const [path, method] of [
      ['/nope', 'GET'],
      ['/items/42', 'DELETE'],
      ['/items', 'PUT'],
      ['/nothing', 'HEAD'],
    ] as const) {
      const res = await platform.api(path, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(await res.text(), '');
    }
  });

  it('hands the function the method, url, query, headers, cookies and body (JSON, text, binary, form)', async () => {
    const res = await platform.api('/echo/x?tag=a&tag=b&q=1', {
      method: 'PUT',
      headers: { 'x-custom': 'yes', cookie: 'a=1; b=2', 'content-type': 'text/plain' },
      body: 'héllo',
    });
    const echo = await json(res);
    assert.equal(echo.functionName, 'echo');
    assert.equal(echo.method, 'PUT');
    assert.equal(echo.url, `${platform.origin}/api/echo/x?tag=a&tag=b&q=1`);
    assert.deepEqual(echo.queryAll, ['a,b'], 'repeated query keys arrive joined with a comma, as the host sends them');
    assert.equal(echo.query.q, '1');
    assert.equal(echo.custom, 'yes');
    assert.equal(echo.cookie, 'a=1; b=2');
    assert.equal(echo.bodyText, 'héllo');

    const bytes = Buffer.from([0, 255, 1, 254, 128]);
    const binary = await json(
      await platform.api('/echo/bin', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      }),
    );
    assert.equal(binary.bodyBase64, bytes.toString('base64'), 'binary bodies arrive byte for byte');

    const viaJson = await json(await platform.api('/echo/j', { json: { a: [1, 2] } }));
    assert.deepEqual(JSON.parse(viaJson.bodyText), { a: [1, 2] });
    assert.equal(viaJson.contentType, 'application/json');

    const form = await json(
      await platform.api('/form', {
        method: 'POST',
        body: new URLSearchParams([
          ['name', 'Ada'],
          ['tag', 'x'],
          ['tag', 'y'],
        ]),
      }),
    );
    assert.deepEqual(form, { name: 'Ada', tags: ['x', 'y'] });
  });

  it('writes the function result as the host does: binary bodies, cookies, 204 for nothing, 500 for a throw', async () => {
    const binary = await platform.api('/binary');
    assert.equal(binary.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual([...new Uint8Array(await binary.arrayBuffer())], [0, 1, 2, 253, 254, 255]);

    const cookies = await platform.api('/cookies');
    assert.equal(await cookies.text(), 'cookies set');
    const setCookie = cookies.headers.getSetCookie();
    assert.equal(setCookie.length, 2);
    assert.equal(setCookie[0], 'session=abc; path=/; secure; samesite=strict; httponly');
    assert.equal(setCookie[1], 'theme=dark; max-age=3600; path=/');

    const nothing = await platform.api('/nothing');
    assert.equal(nothing.status, 204);
    assert.equal(await nothing.text(), '');

    const failed = await platform.api('/fail');
    assert.equal(failed.status, 500);
    assert.equal(await failed.text(), '', 'no internals leak');
    assert.match(platform.logs(), /Function "fail" failed: Error: fixture failure/);
  });

  it('runs the app hooks (appStart, pre- and postInvocation, log) as the worker does', async () => {
    const res = await platform.api('/hooked');
    assert.equal(res.headers.get('x-post-hook'), 'true');
    assert.deepEqual(await res.json(), { ok: true, wrapped: true });
    assert.match(platform.logs(), /\[hooked\] token=\[redacted\] was used/);
    assert.doesNotMatch(platform.logs(), /secret-value/);
  });

  it('loads local.settings.json Values, applies overrides, and points self-references at the actual port', async () => {
    const settings = await json(await platform.api('/settings'));
    const port = new URL(platform.origin).port;
    assert.deepEqual(settings, {
      greeting: 'hello from local.settings.json',
      override: 'from the test',
      selfUrl: `http://localhost:${port}/api/settings`,
      hostname: `localhost:${port}`,
      environment: 'Development',
    });
    assert.equal(platform.settings.GREETING, 'hello from local.settings.json');
  });

  it('applies Host.CORS from local.settings.json, answering preflights itself', async () => {
    const allowed = await platform.api('/items', { headers: { origin: 'http://app.example' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://app.example');
    const other = await platform.api('/items', { headers: { origin: 'http://elsewhere.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const preflight = await platform.api('/items', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type');
  });

  it('serves the web app: files, index.html for client routes, 404 for missing files', async () => {
    const index = await fetch(`${platform.origin}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await index.text(), /fixture spa/);
    const clientRoute = await fetch(`${platform.origin}/suggestions/123`);
    assert.match(await clientRoute.text(), /fixture spa/);
    const asset = await fetch(`${platform.origin}/assets/app-123.js`);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${platform.origin}/assets/missing.js`)).status, 404);
    const outside = await fetch(`${platform.origin}/assets/..%2f..%2fhost.json`);
    assert.equal(outside.status, 404, 'no file outside the web app is served');
  });
});
