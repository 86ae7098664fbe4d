/**
 * The mail a suggestion answers, read live from the account for the person judging the draft: against the Google and
 * Microsoft emulators, for the owner only, with clear problems when the message was deleted or the account
 * disconnected (and the suggestion itself still readable then).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { MICROSOFT_DEMO_USER } from '../../local/demo-data/microsoft';
import type { MailSummary } from '../../shared/connectors/types';
import type { Proposal } from '../../shared/suggestions/kinds';
import { consent, deliverMail, storedTokens } from '../support/connectors';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import { origin } from '../support/suggestion-services';
import { replyProposal } from '../support/reply-proposal';

let p: TestPlatform;
let ada: Person;
let grace: Person;
let google = '';
let outlook = '';

interface Problem {
  type: string;
  status: number;
  detail: string;
  reason?: string;
}

async function connected(person: Person, provider: 'google' | 'microsoft', email: string): Promise<string> {
  const { response } = await consent(p.platform, person.token, provider, email, { families: ['mail'] });
  assert.equal(response.status, 302, await response.clone().text());
  const list = await p.json<{ items: { id: string; provider: string }[] }>('/connectors', { token: person.token });
  return list.body.items.find((c) => c.provider === provider)!.id;
}

const reply = (message: MailSummary, connectorId: string) =>
  replyProposal(message, connectorId, 'Thanks, that works for me.');

async function propose(person: Person, proposal: Proposal): Promise<string> {
  const [id] = await p.services.suggestions().propose(origin(person.tenantId), [proposal]);
  assert.ok(id);
  return id;
}

const sourceOf = (person: Person, id: string) => p.json(`/suggestions/${id}/source`, { token: person.token });

before(async () => {
  p = await startTestPlatform({
    services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator', 'microsoft-emulator', 'smtp-sink'],
  });
  ada = await p.person('ada@example.com', 'Ada');
  grace = await p.person('grace@example.com', 'Grace');
  google = await connected(ada, 'google', GOOGLE_DEMO_USER.email);
  outlook = await connected(grace, 'microsoft', MICROSOFT_DEMO_USER.email);
});
after(() => p?.platform.stop());

describe('the mail a suggestion answers', () => {
  test('Gmail: the owner reads sender, date, subject, plain text and a link into Gmail; nobody else does', async () => {
    const mail = await p.services.connectors().mail(ada.tenantId, google);
    const message = (await mail.listMessages({ limit: 10 })).items.find(
      (m) => m.from.email !== GOOGLE_DEMO_USER.email,
    )!;
    const id = await propose(ada, reply(message, google));

    const res = await sourceOf(ada, id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const full = await mail.getMessage(message.id);
    assert.equal(res.body.id, message.id);
    assert.equal(res.body.provider, 'google');
    assert.equal(res.body.account, GOOGLE_DEMO_USER.email);
    assert.deepEqual(res.body.from, message.from);
    assert.equal(res.body.subject, message.subject);
    assert.equal(res.body.date, message.date);
    assert.ok(res.body.text.length > 0);
    assert.equal(res.body.text, full.text, 'the plain text the connector reads');
    assert.equal(
      res.body.webLink,
      `https://mail.google.com/mail/?authuser=${encodeURIComponent(GOOGLE_DEMO_USER.email)}#all/${message.id}`,
    );

    // What the list row shows is kept on the suggestion; the body is not.
    const stored = await p.json(`/suggestions/${id}`, { token: ada.token });
    assert.deepEqual(stored.body.sources[0].from, message.from);
    assert.equal(stored.body.sources[0].title, message.subject);
    assert.ok(!JSON.stringify(await p.services.suggestions().get(ada.tenantId, id)).includes(full.text.slice(0, 40)));

    const other = await sourceOf(grace, id);
    assert.equal(other.status, 404, "another person's suggestion does not exist for them");
    assert.equal(other.headers.get('content-type'), 'application/problem+json');
    assert.equal(other.body.detail, 'The suggestion does not exist.');
  });

  test('a message deleted since: a problem that says so, and the suggestion still shows what it kept', async () => {
    const deliveredId = await deliverMail(
      p.services,
      { tenantId: ada.tenantId, connectorId: google, apiRoot: p.platform.settings.GOOGLE_API_ROOT_URL! },
      { from: 'Noor Haddad <noor@fabrikam.example>', subject: 'Lunch on Thursday?', text: 'Are you free at noon?' },
    );
    const mail = await p.services.connectors().mail(ada.tenantId, google);
    const id = await propose(ada, reply(await mail.getMessage(deliveredId), google));
    assert.equal((await sourceOf(ada, id)).status, 200);

    const { tokens } = await storedTokens(p.services, ada.tenantId, google);
    const deleted = await fetch(`${p.platform.settings.GOOGLE_API_ROOT_URL}gmail/v1/users/me/messages/${deliveredId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    assert.ok(deleted.ok, `the emulator deleted the message (${deleted.status})`);

    const res = await sourceOf(ada, id);
    assert.equal(res.status, 410, JSON.stringify(res.body));
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const problem = res.body as Problem;
    assert.equal(problem.type, 'https://personal-agents.dev/problems/gone');
    assert.match(problem.detail, /no longer in alex\.morgan@gmail\.example: it was deleted/);
    const kept = await p.json(`/suggestions/${id}`, { token: ada.token });
    assert.equal(kept.status, 200);
    assert.equal(kept.body.sources[0].title, 'Lunch on Thursday?');
    assert.deepEqual(kept.body.sources[0].from, { name: 'Noor Haddad', email: 'noor@fabrikam.example' });
  });

  test('Outlook: the message with the link Graph gives; after disconnecting, a problem that says so', async () => {
    const mail = await p.services.connectors().mail(grace.tenantId, outlook);
    const message = (await mail.listMessages({ limit: 20 })).items.find((m) =>
      m.subject.startsWith('Proposal timeline'),
    )!;
    assert.ok(message, 'the seeded Outlook mail is listed');
    const id = await propose(grace, reply(message, outlook));

    const res = await sourceOf(grace, id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.provider, 'microsoft');
    assert.equal(res.body.from.email, 'david.okafor@contoso.example');
    assert.equal(res.body.subject, message.subject);
    assert.match(res.body.text, /revised timeline/);
    assert.ok(typeof res.body.webLink === 'string' && res.body.webLink.includes(encodeURIComponent(message.id)));
    assert.equal((await sourceOf(ada, id)).status, 404);

    const disconnected = await p.platform.api(`/connectors/${outlook}`, { method: 'DELETE', token: grace.token });
    assert.equal(disconnected.status, 204, await disconnected.clone().text());
    const gone = await sourceOf(grace, id);
    assert.equal(gone.status, 409, JSON.stringify(gone.body));
    assert.equal(gone.headers.get('content-type'), 'application/problem+json');
    assert.equal((gone.body as Problem).reason, 'disconnected');
    assert.match((gone.body as Problem).detail, /no longer connected/);
    assert.equal((await p.json(`/suggestions/${id}`, { token: grace.token })).status, 200);
  });
});
