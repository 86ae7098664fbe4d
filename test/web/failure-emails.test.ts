/**
 * Run-failure emails from real runs that fail on the local platform: each is named after the agent ("Inbox Triage
 * could not finish"), says the cause in words (an account to reconnect, a plan limit with when it starts over, the AI
 * model away) and carries one button, "Reconnect" to the connections page or "Run again" to the agent's page.
 * (Every emailed link is opened in a browser by email-links.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { eventually, startTestPlatform, type Person, type SinkMessage, type TestPlatform } from '../support/platform';

let fake: FakeOpenAi;
let p: TestPlatform;

before(async () => {
  fake = await startFakeOpenAi();
  // The model is away for everyone: each run below fails before or at its first model call.
  fake.fallback = () => ({ status: 503, content: 'overloaded' });
  p = await startTestPlatform({
    settings: {
      AI_PROVIDER: 'compatible',
      AI_BASE_URL: fake.baseUrl,
      AI_API_KEY: 'test-key',
      AI_MAX_RETRIES: '0',
      TIER_LIMITS: JSON.stringify({ free: { tokensPerMonth: 10 } }),
    },
  });
});

after(async () => {
  await p?.platform.stop();
  await fake?.close();
});

/** Connects Google, makes an Inbox Triage agent, runs it until it ends, and returns the failure email it caused. */
async function failedRunEmail(person: Person, prepare?: (connectorId: string) => Promise<void>) {
  const connectorId = await p.connectGoogle(person);
  await prepare?.(connectorId);
  const agent = await p.json<{ id: string; name: string }>('/agents', {
    method: 'POST',
    token: person.token,
    json: { templateId: 'inbox-triage' },
  });
  assert.equal(agent.status, 201, JSON.stringify(agent.body));
  const started = await p.json<{ id: string }>('/orchestration/runs', {
    token: person.token,
    json: { agentId: agent.body.id },
  });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const run = await p.finishedRun(person, started.body.id, 120_000);
  assert.notEqual(run.status, 'completed');
  const [email] = (
    await eventually(
      () => p.mail(person.email),
      (m) => m.some((x) => /could not finish/.test(x.subject)),
      'the failure email',
    )
  ).filter((m) => /could not finish/.test(m.subject));
  return { email: email!, agent: agent.body, runId: started.body.id };
}

/** The email's buttons (links styled as buttons) by their label. */
function buttons(email: SinkMessage): { label: string; href: string }[] {
  return [...email.html.matchAll(/<a href="([^"]+)" style="[^"]*background[^"]*">([^<]+)<\/a>/g)].map((m) => ({
    href: m[1]!.replace(/&amp;/g, '&'),
    label: m[2]!,
  }));
}

test('a disconnected account: the email says so and offers Reconnect', async () => {
  const ann = await p.person('ann@failures.test', 'Ann');
  await p.services.tenants().setTier(ann.tenantId, 'pro');
  const { email, agent } = await failedRunEmail(ann, (id) =>
    p.services.connectorService().markRevoked(ann.tenantId, id),
  );
  assert.equal(email.subject, `${agent.name} could not finish`);
  assert.equal(agent.name, 'Inbox Triage');
  assert.match(email.text, /needs to be reconnected/);
  assert.match(email.text, /Reconnect the account, then run it again\./);
  assert.deepEqual(
    buttons(email).map((b) => b.label),
    ['Reconnect'],
  );
  assert.equal(new URL(buttons(email)[0]!.href).pathname, '/connectors');
});

test('a plan limit: the email says which, and when it starts over, in the person’s zone', async () => {
  const ben = await p.person('ben@failures.test', 'Ben');
  await p.json('/me', { method: 'PATCH', token: ben.token, json: { timezone: 'Asia/Tokyo' } });
  const { email, agent } = await failedRunEmail(ben);
  assert.equal(email.subject, 'Inbox Triage could not finish');
  assert.match(email.text, /model tokens this month on the free plan/);
  assert.match(email.text, /It starts over on 1 \w{3} \d{4}, 09:00\./, 'midnight UTC is 09:00 in Tokyo');
  assert.doesNotMatch(email.text, /\d{4}-\d\d-\d\dT/, 'no machine timestamps');
  assert.deepEqual(
    buttons(email).map((b) => b.label),
    ['Run again'],
  );
  assert.equal(new URL(buttons(email)[0]!.href).pathname, `/agents/${agent.id}`);
});

test('the model away: the email says it in words and offers Run again', async () => {
  const cy = await p.person('cy@failures.test', 'Cy');
  await p.services.tenants().setTier(cy.tenantId, 'pro');
  const { email, agent, runId } = await failedRunEmail(cy);
  assert.equal(email.subject, 'Inbox Triage could not finish');
  assert.match(email.text, /The AI model it uses did not answer\. This usually passes within minutes\./);
  assert.match(email.text, /You can run Inbox Triage again now\./);
  assert.deepEqual(
    buttons(email).map((b) => b.label),
    ['Run again'],
  );
  assert.equal(new URL(buttons(email)[0]!.href).pathname, `/agents/${agent.id}`);
  assert.match(email.text, new RegExp(`See what happened in the run: \\S+/runs/${runId}`));
});
