/**
 * Push channels start by themselves: once an agent's trigger watches a source, the first poll of that source asks the
 * provider to push its changes too, and the connector shows it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MICROSOFT_DEMO_USER } from '../../local/demo-data/microsoft';
import { connectorRecords, consent } from '../support/connectors';
import { eventually, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
before(async () => {
  p = await startTestPlatform({
    services: ['cosmos', 'azurite', 'dev-oidc', 'microsoft-emulator'],
    settings: { PUSH_BASE_URL: 'https://agents.example', EVENT_POLL_SECONDS: '1', API_RATE_LIMIT_ENABLED: 'false' },
  });
});
after(() => p?.platform.stop());

test('a trigger on new mail gets the Outlook account a Graph subscription, shown on the connector', async () => {
  const sam = await p.person('sam@example.com', 'Sam');
  const { response } = await consent(p.platform, sam.token, 'microsoft', MICROSOFT_DEMO_USER.email, {
    families: ['mail', 'calendar'],
  });
  assert.equal(response.status, 302);
  const connectorId = (await p.json<{ items: { id: string }[] }>('/connectors', { token: sam.token })).body.items[0]!
    .id;
  const connector = () =>
    p.json<{ push?: { source: string; mode: string; expiresAt?: string }[] }>(`/connectors/${connectorId}`, {
      token: sam.token,
    });
  assert.equal((await connector()).body.push, undefined, 'nothing is pushed before a trigger watches a source');

  const agent = await p.json('/agents', {
    token: sam.token,
    json: { templateId: 'inbox-triage', name: 'Triage on new mail', events: [{ on: 'mail.received' }] },
  });
  assert.equal(agent.status, 201, JSON.stringify(agent.body));

  const shown = await eventually(connector, (r) => Boolean(r.body.push?.length), 'the mail subscription');
  assert.deepEqual(
    shown.body.push!.map((s) => [s.source, s.mode]),
    [['mail', 'push']],
    'only the watched source is pushed',
  );
  assert.ok(Date.parse(shown.body.push![0]!.expiresAt!) > Date.now() + 24 * 3600_000);

  // The agent's trigger shows the same: the account it watches, pushed until the subscription's expiry.
  const status = await p.json<{
    triggers: { on: string; accounts: { account: string; mode: string; expiresAt?: string }[] }[];
  }>(`/triggers/agent/${(agent.body as { id: string }).id}`, { token: sam.token });
  assert.equal(status.status, 200);
  assert.deepEqual(status.body.triggers, [
    {
      on: 'mail.received',
      accounts: [
        {
          connectorId,
          provider: 'microsoft',
          account: MICROSOFT_DEMO_USER.email,
          mode: 'push',
          expiresAt: shown.body.push![0]!.expiresAt,
        },
      ],
      lastStartedAt: null,
      lastRunId: null,
    },
  ]);

  // A connection that must be reconnected reads nothing: the trigger says so, with the reason.
  await connectorRecords(p.services).update(sam.tenantId, connectorId, (r) => ({
    ...r,
    status: 'needs_reauth',
    lastError: 'Access was revoked.',
  }));
  const broken = await p.json<{ triggers: { accounts: { mode: string; reason?: string }[] }[] }>(
    `/triggers/agent/${(agent.body as { id: string }).id}`,
    { token: sam.token },
  );
  assert.deepEqual(
    broken.body.triggers[0]!.accounts.map((a) => [a.mode, a.reason]),
    [['attention', 'Access was revoked.']],
  );
});
