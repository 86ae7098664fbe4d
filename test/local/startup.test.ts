// Start-up behaviour of the local runtime: clear failures for what it cannot host, route templates and timer
// schedules read as the host reads them, and a plain answer when no web app is built.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileRoute, matchRoute } from '../../local/host/routes';
import { parseSchedule } from '../../local/host/timers';
import { startLocalPlatform } from '../../local/testing';

const fixture = (name: string) => join(__dirname, '../fixtures', name);

describe('local runtime: start-up', () => {
  it('refuses an app with Durable entities, naming the function', async () => {
    await assert.rejects(
      startLocalPlatform({ app: fixture('entity-app'), services: [] }),
      /Function "counter" is a Durable entity; the local runtime does not support entities/,
    );
  });

  it('refuses an app that enables HTTP streaming', async () => {
    await assert.rejects(
      startLocalPlatform({ app: fixture('stream-app'), services: [] }),
      /enables HTTP streaming .* which the local runtime does not support/,
    );
  });

  it('says how to build the web app when none is built, serves the API, and applies functionTimeout', async () => {
    const platform = await startLocalPlatform({ app: fixture('basic-app'), services: [] });
    try {
      const page = await fetch(`${platform.origin}/`);
      assert.equal(page.status, 404);
      assert.match(await page.text(), /web app is not built: run `npm run build`/);
      assert.deepEqual(await (await platform.api('/hello/ada')).json(), { hello: 'ada', fn: 'hello' });
      const started = Date.now();
      const hung = await platform.api('/hang');
      assert.equal(hung.status, 500, 'host.json functionTimeout ends a function that never answers');
      assert.ok(Date.now() - started >= 1900);
      assert.match(platform.logs(), /Timeout value of 00:00:02 exceeded by function 'hang'/);
    } finally {
      await platform.stop();
    }
  });

  it('reads route templates as ASP.NET Core does', () => {
    const match = (template: string, path: string) => matchRoute(compileRoute(template), path);
    assert.deepEqual(match('users/{id:int:range(1,10)}', 'users/7'), { id: '7' });
    assert.equal(match('users/{id:int:range(1,10)}', 'users/11'), undefined);
    assert.deepEqual(match('a/{b:regex(^x\\d+$)}', 'a/x12'), { b: 'x12' });
    assert.equal(match('a/{b:regex(^x\\d+$)}', 'a/y12'), undefined);
    assert.deepEqual(match('d/{when:datetime}', 'd/2026-01-02'), { when: '2026-01-02' });
    assert.deepEqual(match('f/{flag:bool}', 'f/TRUE'), { flag: 'TRUE' });
    assert.deepEqual(match('{*all}', 'x/y'), { all: 'x/y' });
    assert.equal(match('a/{b}', 'a/b/c'), undefined);
    assert.throws(() => compileRoute('a/{b:nope}'), /unknown constraint "nope"/);
    assert.throws(() => compileRoute('{*a}/b'), /catch-all parameter must be the last segment/);
  });

  it('reads 6-field NCRONTAB schedules (seconds first, day and day-of-week both required) and intervals', () => {
    const from = new Date('2026-03-02T10:00:00Z'); // a Monday
    assert.equal(parseSchedule('*/15 * * * * *', undefined).next(from)?.toISOString(), '2026-03-02T10:00:15.000Z');
    assert.equal(parseSchedule('0 30 9 * * 1-5', undefined).next(from)?.toISOString(), '2026-03-03T09:30:00.000Z');
    // Day 13 that is also a Friday: NCRONTAB needs both to match.
    assert.equal(parseSchedule('0 0 0 13 * 5', undefined).next(from)?.toISOString(), '2026-03-13T00:00:00.000Z');
    assert.equal(parseSchedule('0 0 0 13 * 1', undefined).next(from)?.toISOString(), '2026-04-13T00:00:00.000Z');
    assert.equal(parseSchedule('0 0 9 * * *', 'Europe/Paris').next(from)?.toISOString(), '2026-03-03T08:00:00.000Z');
    assert.equal(parseSchedule('00:05:00', undefined).next(from)?.toISOString(), '2026-03-02T10:05:00.000Z');
    assert.throws(() => parseSchedule('0 * * * *', undefined), /must have 6 fields/);
    assert.throws(() => parseSchedule('0 0 9 * * *', 'Nowhere/Special'), /not an IANA time zone/);
  });
});
