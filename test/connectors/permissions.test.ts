import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { MICROSOFT_DEMO_USER } from '../../local/demo-data/microsoft';
import { scopeLabel } from '../../shared/connectors/scope-labels';
import { consent, startFlow } from '../support/connectors';

const GMAIL_SEND = 'https://www.googleapis.com/auth/gmail.send';

interface ConnectorSeen {
  id: string;
  provider: string;
  health: string;
  scopes: string[];
  missingPermissions?: { scope: string; label: string; family: string }[];
}

describe('connector health names the permissions agents need and asks for them', () => {
  let platform: LocalPlatform;

  before(async () => {
    platform = await startLocalPlatform({
      services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator', 'microsoft-emulator'],
    });
  });
  after(async () => {
    await platform?.stop();
  });

  async function person(email: string) {
    const token = await platform.token(email, email.split('@')[0]);
    const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
      platform.api(path, { ...init, token });
    const connectors = async () => ((await (await api('/connectors')).json()) as { items: ConnectorSeen[] }).items;
    return { token, api, connectors };
  }

  it('Google: read-only until an agent that sends is installed, then "needs permission" until granted', async () => {
    const { token, api, connectors } = await person('rosa@example.com');
    const connected = await consent(platform, token, 'google', GOOGLE_DEMO_USER.email, { families: ['mail'] });
    assert.equal(connected.response.status, 302);
    const [before] = await connectors();
    assert.equal(before!.health, 'ok', 'no agent needs more than reading yet');
    assert.equal(before!.missingPermissions, undefined);

    const created = await api('/agents', { method: 'POST', json: { templateId: 'reply-drafter', name: 'Replies' } });
    assert.equal(created.status, 201, await created.clone().text());
    const [lacking] = await connectors();
    assert.equal(lacking!.health, 'needs_permission');
    const send = lacking!.missingPermissions!.find((m) => m.scope === GMAIL_SEND);
    assert.deepEqual(send, { scope: GMAIL_SEND, label: 'Send email as you (only what you approve)', family: 'mail' });
    assert.ok(
      lacking!.missingPermissions!.every((m) => !/^https?:/.test(m.label)),
      'labels are words, not URLs',
    );
    const one = (await (await api(`/connectors/${lacking!.id}`)).json()) as ConnectorSeen;
    assert.equal(one.health, 'needs_permission', 'one connector reads the same as the list');

    // Grant access: incremental consent for the missing scopes, back on the page that asked.
    const returnTo = '/catalog/packs/inbox-assistant/install?continue=1';
    const body = { connectorId: lacking!.id, scopes: lacking!.missingPermissions!.map((m) => m.scope), returnTo };
    const flow = await startFlow(platform, token, 'google', body);
    const asked = new URL(flow.authorizationUrl);
    assert.equal(asked.searchParams.get('include_granted_scopes'), 'true');
    assert.ok(asked.searchParams.get('scope')!.split(' ').includes(GMAIL_SEND));
    const granted = await consent(platform, token, 'google', GOOGLE_DEMO_USER.email, body);
    assert.equal(granted.response.status, 302);
    const back = new URL(granted.response.headers.get('location')!);
    assert.equal(back.origin, new URL(platform.settings.WEB_BASE_URL!).origin);
    assert.equal(back.pathname, '/catalog/packs/inbox-assistant/install');
    assert.equal(back.searchParams.get('continue'), '1');
    assert.equal(back.searchParams.get('connected'), 'google');
    const [healed] = await connectors();
    assert.equal(healed!.health, 'ok');
    assert.ok(healed!.scopes.includes(GMAIL_SEND));

    const elsewhere = await api('/connectors/google/authorize', {
      method: 'POST',
      json: { connectorId: healed!.id, returnTo: '//evil.example/steal' },
    });
    assert.equal(elsewhere.status, 400, 'only a page of the web app is a place to return to');
  });

  it('the pack install page learns which permissions a pack needs that are not granted yet', async () => {
    const { token, api } = await person('sam@example.com');
    await consent(platform, token, 'google', GOOGLE_DEMO_USER.email, { families: ['mail'] });
    const offer = (await (await api('/catalog/packs/inbox-assistant')).json()) as {
      permissionsToGrant: { provider: string; account: string; permissions: { scope: string; label: string }[] }[];
    };
    assert.equal(offer.permissionsToGrant.length, 1);
    assert.equal(offer.permissionsToGrant[0]!.provider, 'google');
    assert.equal(offer.permissionsToGrant[0]!.account, GOOGLE_DEMO_USER.email);
    assert.ok(offer.permissionsToGrant[0]!.permissions.some((m) => m.scope === GMAIL_SEND));
    const reading = (await (await api('/catalog/packs/meeting-ready')).json()) as {
      permissionsToGrant: { permissions: { scope: string }[] }[];
    };
    assert.ok(
      reading.permissionsToGrant[0]!.permissions.some((m) => /calendar\.events\.readonly$/.test(m.scope)),
      'a pack that reads the calendar asks a mail-only account for it',
    );
    assert.ok(!reading.permissionsToGrant[0]!.permissions.some((m) => m.scope === GMAIL_SEND), 'it sends nothing');
  });

  it('Microsoft: the grant asks for the union of what the account holds and what is missing', async () => {
    const { token, api, connectors } = await person('tove@example.com');
    await consent(platform, token, 'microsoft', MICROSOFT_DEMO_USER.email, { families: ['mail', 'calendar'] });
    await api('/agents', { method: 'POST', json: { templateId: 'reply-drafter', name: 'Replies' } });
    const [lacking] = await connectors();
    assert.equal(lacking!.health, 'needs_permission');
    assert.deepEqual(lacking!.missingPermissions!.map((m) => m.scope).sort(), ['Mail.ReadWrite', 'Mail.Send']);
    assert.equal(scopeLabel('Mail.Send'), scopeLabel(GMAIL_SEND), 'one permission reads the same everywhere');

    const body = { connectorId: lacking!.id, scopes: lacking!.missingPermissions!.map((m) => m.scope) };
    const flow = await startFlow(platform, token, 'microsoft', body);
    const asked = new URL(flow.authorizationUrl).searchParams.get('scope')!.split(' ');
    const normalized = (s: string) => s.replace(/^https:\/\/graph\.microsoft\.com\//, '');
    for (const held of lacking!.scopes.map(normalized)) assert.ok(asked.includes(held), `still asks for ${held}`);
    assert.ok(asked.includes('Mail.Send') && asked.includes('Mail.ReadWrite'), asked.join(' '));
    assert.equal(new URL(flow.authorizationUrl).searchParams.has('include_granted_scopes'), false);
    const granted = await consent(platform, token, 'microsoft', MICROSOFT_DEMO_USER.email, body);
    assert.equal(granted.response.status, 302);
    assert.equal((await connectors())[0]!.health, 'ok');
  });
});
