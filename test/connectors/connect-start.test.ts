/**
 * Connecting starts with a top-level navigation, so it works whether the web app and the API share an origin (the
 * static web app's linked backend) or not (the API on the function app's own origin): the web app gets a start ticket
 * with the person's bearer token and its browser posts it to the API, which sets the flow cookie on its own origin.
 * Each mode runs against the Google and Microsoft emulators.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { MICROSOFT_DEMO_USER } from '../../local/demo-data/microsoft';
import type { Services } from '../../shared/app/services';
import {
  consent,
  continueUrlOf,
  openCallback,
  postTicket,
  servicesOf,
  signIn,
  startTicket,
} from '../support/connectors';

const MODES: { name: string; settings: Record<string, string> }[] = [
  { name: 'web app and API on one origin (linked backend)', settings: {} },
  // Nothing needs to answer on the web app's origin here: browsers post from it and the callback returns to it.
  { name: 'web app on its own origin (direct)', settings: { WEB_BASE_URL: 'http://127.0.0.1:4173' } },
];

const flowCookieSet = (response: Response) =>
  response.headers.getSetCookie().some((c) => /^connect_flow_\w+=[\w-]{43};/.test(c));

for (const mode of MODES) {
  describe(`connecting an account starts with a ticket: ${mode.name}`, () => {
    let platform: LocalPlatform;
    let services: Services;
    let ada: string;
    let eve: string;
    let eveTenant: string;
    let web: string;

    before(async () => {
      platform = await startLocalPlatform({
        services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator', 'microsoft-emulator'],
        settings: mode.settings,
      });
      services = servicesOf(platform);
      ada = await platform.token('ada@example.com', 'Ada');
      eve = await platform.token('eve@example.com', 'Eve');
      eveTenant = ((await (await platform.api('/me', { token: eve })).json()) as { tenantId: string }).tenantId;
      web = new URL(platform.settings.WEB_BASE_URL!).origin;
    });
    after(() => platform?.stop());

    it('tells the web app where the API is', async () => {
      const config = (await (await platform.api('/client-config')).json()) as { apiBase: string };
      const sameOrigin = web === new URL(platform.origin).origin;
      assert.equal(config.apiBase, sameOrigin ? '/api' : `${platform.origin}/api`);
    });

    for (const [provider, email] of [
      ['google', GOOGLE_DEMO_USER.email],
      ['microsoft', MICROSOFT_DEMO_USER.email],
    ] as const) {
      it(`connects ${provider} from the web app's page and returns to the web app`, async () => {
        const { response } = await consent(platform, ada, provider, email, { families: ['mail'] });
        assert.equal(response.status, 302, await response.clone().text());
        assert.equal(response.headers.get('location'), `${web}/connectors?connected=${provider}`);
        const list = (await (await platform.api('/connectors', { token: ada })).json()) as {
          items: { provider: string; account: string }[];
        };
        assert.ok(list.items.some((c) => c.provider === provider && c.account === email));
      });
    }

    it('sets the flow cookie on the API origin only for a ticket posted from the web app, once', async () => {
      const { startUrl, ticket, expiresAt } = await startTicket(platform, ada, 'google', { families: ['mail'] });
      assert.equal(new URL(startUrl).origin, new URL(platform.origin).origin, 'the browser posts to the API');
      const lifetime = Date.parse(expiresAt) - Date.now();
      assert.ok(lifetime > 0 && lifetime <= 120_000, `a ticket lives two minutes at most (${lifetime} ms)`);

      const started = await postTicket(startUrl, ticket, { origin: web });
      assert.equal(started.status, 200);
      assert.ok(flowCookieSet(started), 'the cookie is set by the API on its own origin');
      assert.match(started.headers.get('cache-control') ?? '', /no-store/);
      const authorizationUrl = continueUrlOf(await started.text());
      assert.equal(new URL(authorizationUrl).searchParams.get('code_challenge_method'), 'S256');

      const replayed = await postTicket(startUrl, ticket, { origin: web });
      assert.equal(replayed.status, 409);
      assert.match(await replayed.text(), /already used/);
      assert.ok(!flowCookieSet(replayed), 'a replayed ticket sets no cookie');
    });

    it("refuses another person's ticket posted from anywhere but the web app", async () => {
      // Eve gets a ticket for her tenant and lures Ada's browser into posting it (Ada's account would land in
      // Eve's tenant): the browser names the lure's origin, or none.
      const lure = await startTicket(platform, eve, 'google', { families: ['mail'] });
      for (const origin of ['https://lure.example', 'null', null]) {
        const refused = await postTicket(lure.startUrl, lure.ticket, { origin });
        assert.equal(refused.status, 403, `origin ${origin}`);
        assert.match(refused.headers.get('content-type') ?? '', /text\/html/);
        assert.match(await refused.text(), /only be started from the Connections page/);
        assert.ok(!flowCookieSet(refused), 'no flow cookie for a refused start');
      }
      assert.deepEqual(await services.connectorService().list(eveTenant), [], 'nothing connected into her tenant');

      // A ticket is its person's: what it starts lands in the tenant that asked for it, whoever's browser posts it.
      const own = await postTicket(lure.startUrl, lure.ticket, { origin: web });
      assert.equal(own.status, 200);
      const cookie = own.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .join('; ');
      const done = await openCallback(await signIn(continueUrlOf(await own.text()), GOOGLE_DEMO_USER.email), cookie);
      assert.equal(done.status, 302, await done.clone().text());
      assert.equal((await services.connectorService().list(eveTenant)).length, 1);
    });

    it('refuses an expired ticket, a ticket for another provider and a made-up one', async () => {
      const late = await startTicket(platform, ada, 'google');
      const system = await services.cosmos().container('system');
      const { resources } = await system.items
        .query({
          query: "SELECT * FROM c WHERE c.pk = 'connect-ticket' AND c.expiresAt = @e",
          parameters: [{ name: '@e', value: late.expiresAt }],
        })
        .fetchAll();
      assert.equal(resources.length, 1);
      await system.items.upsert({ ...resources[0], expiresAt: new Date(Date.now() - 1000).toISOString() });
      const expired = await postTicket(late.startUrl, late.ticket, { origin: web });
      assert.equal(expired.status, 410);
      assert.match(await expired.text(), /expired/);

      const google = await startTicket(platform, ada, 'google');
      const wrong = await postTicket(google.startUrl.replace('/google/', '/microsoft/'), google.ticket, {
        origin: web,
      });
      assert.equal(wrong.status, 400);
      assert.equal((await postTicket(google.startUrl, google.ticket, { origin: web })).status, 409, 'used up');

      const madeUp = await postTicket(google.startUrl, 'x'.repeat(43), { origin: web });
      assert.equal(madeUp.status, 409);
      const malformed = await postTicket(google.startUrl, 'not a ticket', { origin: web });
      assert.equal(malformed.status, 400);
    });
  });
}
