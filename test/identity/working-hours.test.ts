/**
 * Working hours on the profile, through the API on the local platform: everyone starts on 08:00–18:00, Monday to
 * Friday (profiles stored before working hours existed too), a change is validated field by field, stored and
 * audited like any other profile change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTenantRepository } from '../../shared/platform/cosmos/tenant-repository';
import type { TenantProfile } from '../../shared/identity/tenant-profile';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const DEFAULT = { from: 8, until: 18, days: [1, 2, 3, 4, 5] };

let p: TestPlatform;
before(async () => {
  p = await startTestPlatform();
});
after(() => p.platform.stop());

const patch = (token: string, json: unknown) => p.json('/me', { method: 'PATCH', token, json });

describe('working hours on the profile', () => {
  test('a new profile works 08:00–18:00, Monday to Friday', async () => {
    const ada = await p.person('ada@hours.test', 'Ada');
    const me = await p.json('/me', { token: ada.token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.workingHours, DEFAULT);
  });

  test('a profile stored before working hours existed reads as the default', async () => {
    const old = await p.person('old@hours.test', 'Old');
    await p.json('/me', { token: old.token });
    const repo = createTenantRepository<TenantProfile>(p.services.cosmos(), 'tenants', 'tenant');
    await repo.update(old.tenantId, old.tenantId, (doc) => {
      const { workingHours: _gone, ...rest } = doc;
      return rest;
    });
    assert.equal((await repo.get(old.tenantId, old.tenantId))!.workingHours, undefined);
    const me = await p.json('/me', { token: old.token });
    assert.deepEqual(me.body.workingHours, DEFAULT);
  });

  test('a nurse working 06:00–14:00, Sunday to Thursday, saves her hours; the change is audited', async () => {
    const nora = await p.person('nora@hours.test', 'Nora');
    const saved = await patch(nora.token, { workingHours: { from: 6, until: 14, days: [4, 0, 1, 2, 3] } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body.workingHours, { from: 6, until: 14, days: [0, 1, 2, 3, 4] }, 'days in week order');
    const me = await p.json('/me', { token: nora.token });
    assert.deepEqual(me.body.workingHours, { from: 6, until: 14, days: [0, 1, 2, 3, 4] });
    assert.equal(me.body.timezone, 'UTC', 'other fields are left as they were');

    const trail = await p.json('/audit?type=profile.updated', { token: nora.token });
    assert.equal(trail.body.items.length, 1);
    assert.deepEqual(trail.body.items[0].before, { workingHours: DEFAULT });
    assert.deepEqual(trail.body.items[0].after, { workingHours: { from: 6, until: 14, days: [0, 1, 2, 3, 4] } });
    assert.match(trail.body.items[0].summary, /workingHours/);
  });

  test('refused hours are explained field by field and change nothing', async () => {
    const ben = await p.person('ben@hours.test', 'Ben');
    const cases: [unknown, string[]][] = [
      [{ from: 14, until: 6, days: [1] }, ['body.workingHours.until']],
      [{ from: 9, until: 9, days: [1] }, ['body.workingHours.until']],
      [{ from: 8, until: 18, days: [] }, ['body.workingHours.days']],
      [{ from: 8, until: 18, days: [1, 1] }, ['body.workingHours.days']],
      [
        { from: -1, until: 24, days: [7] },
        ['body.workingHours.days[0]', 'body.workingHours.from', 'body.workingHours.until'],
      ],
      [{ from: 8.5, until: 18, days: [1] }, ['body.workingHours.from']],
      [{ from: 8, days: [1] }, ['body.workingHours.until']],
      [{ from: 8, until: 18, days: [1], lunch: 12 }, ['body.workingHours']],
    ];
    for (const [workingHours, paths] of cases) {
      const refused = await patch(ben.token, { workingHours });
      assert.equal(refused.status, 400, JSON.stringify(workingHours));
      assert.equal(refused.headers.get('content-type'), 'application/problem+json');
      const got = (refused.body.errors as { path: string; message: string }[]).map((e) => e.path).sort();
      assert.deepEqual(got, paths, JSON.stringify(workingHours));
    }
    const until = await patch(ben.token, { workingHours: { from: 14, until: 6, days: [1] } });
    assert.match(until.body.errors[0].message, /later than the start/);
    const days = await patch(ben.token, { workingHours: { from: 8, until: 18, days: [] } });
    assert.match(days.body.errors[0].message, /at least one working day/);
    const me = await p.json('/me', { token: ben.token });
    assert.deepEqual(me.body.workingHours, DEFAULT);
    const trail = await p.json('/audit?type=profile.updated', { token: ben.token });
    assert.equal(trail.body.items.length, 0);
  });

  test('the OpenAPI document describes working hours on the profile and its update', async () => {
    const doc = await p.json('/openapi.json');
    const me = doc.body.paths['/api/me'];
    const body = me.patch.requestBody.content['application/json'].schema.properties.workingHours;
    assert.deepEqual(body.required, ['from', 'until', 'days']);
    assert.equal(body.properties.from.maximum, 22);
    assert.equal(body.properties.until.maximum, 23);
    assert.equal(body.properties.days.minItems, 1);
    assert.equal(body.properties.days.items.maximum, 6);
    const shown = me.get.responses['200'].content['application/json'].schema;
    assert.ok(shown.required.includes('workingHours'), 'GET /api/me always shows working hours');
  });
});
