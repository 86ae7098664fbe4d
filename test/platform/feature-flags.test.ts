import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeatureFlags } from '../../shared/platform/config/features';
import { loadSettings } from '../../shared/platform/config';
import { resolveTierLimits } from '../../shared/platform/config/tiers';

test('flags from app settings, overlaid by the local file, targeted by tenant, tier and percentage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flags-'));
  try {
    const file = join(dir, 'flags.json');
    const flags = createFeatureFlags({
      FEATURE_FLAGS: JSON.stringify({
        weeklyReview: true,
        newInbox: { tenants: ['t-ana'] },
        proOnly: { tiers: ['pro', 'team'] },
      }),
      FEATURE_FLAGS_FILE: file,
    });
    assert.equal(await flags.isEnabled('weeklyReview'), true);
    assert.equal(await flags.isEnabled('unknown'), false);
    assert.equal(await flags.isEnabled('newInbox', { tenantId: 't-ana' }), true);
    assert.equal(await flags.isEnabled('newInbox', { tenantId: 't-bo' }), false);
    assert.equal(await flags.isEnabled('proOnly', { tenantId: 't-bo', tier: 'free' }), false);
    assert.equal(await flags.isEnabled('proOnly', { tenantId: 't-bo', tier: 'pro' }), true);

    writeFileSync(file, JSON.stringify({ weeklyReview: false, rollout: { percent: 50 } }));
    assert.equal(await flags.isEnabled('weeklyReview'), false, 'the local file overrides the app setting');
    const tenants = Array.from({ length: 400 }, (_, i) => `t-${i}`);
    const on = [];
    for (const tenantId of tenants) if (await flags.isEnabled('rollout', { tenantId })) on.push(tenantId);
    assert.ok(on.length > 140 && on.length < 260, `about half the tenants: ${on.length}`);
    for (const tenantId of on.slice(0, 20))
      assert.equal(await flags.isEnabled('rollout', { tenantId }), true, 'stable per tenant');

    writeFileSync(file, JSON.stringify({ weeklyReview: true }));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.equal(await flags.isEnabled('weeklyReview'), true, 'the file is re-read when it changes');
    assert.deepEqual(await flags.evaluateAll({ tenantId: 't-ana', tier: 'free' }), {
      weeklyReview: true,
      newInbox: true,
      proOnly: false,
    });

    writeFileSync(file, '{"bad flag name!": true}');
    utimesSync(file, new Date(), new Date(Date.now() + 10000));
    await assert.rejects(flags.isEnabled('weeklyReview'), /flags\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tier settings: overrides are typed and merged over the defaults', () => {
  const settings = loadSettings({ TIER_LIMITS: '{"free":{"runsPerDay":20}}', DEFAULT_TIER: 'pro' });
  const limits = resolveTierLimits(settings.TIER_LIMITS);
  assert.equal(limits.free.runsPerDay, 20);
  assert.equal(limits.free.agents, 5);
  assert.equal(settings.DEFAULT_TIER, 'pro');
  assert.throws(() => loadSettings({ TIER_LIMITS: '{"gold":{"runsPerDay":1}}' }), /TIER_LIMITS/);
  assert.throws(() => loadSettings({ TIER_LIMITS: '{"free":{"runsPerDay":-1}}' }), /TIER_LIMITS/);
  assert.throws(() => loadSettings({ TIER_LIMITS: 'not json' }), /TIER_LIMITS: expected JSON/);
  assert.throws(() => loadSettings({ FEATURE_FLAGS: '', DEFAULT_TIER: 'platinum' }), /DEFAULT_TIER/);
});
