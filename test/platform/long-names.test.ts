// Long names are refused, never cut: an agent, workflow or token name over 100 characters is a 400 naming the field
// with a plain message (not the validator's wording), and nothing is created; 100 characters are kept whole.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

type Problem = { errors: { path: string; message: string }[] };

let p: TestPlatform;
let lee: Person;
let agentId = '';

before(async () => {
  p = await startTestPlatform();
  lee = await p.person('lee@names.test', 'Lee');
  const agent = await p.json<{ id: string }>('/agents', {
    method: 'POST',
    token: lee.token,
    json: { templateId: 'inbox-triage' },
  });
  agentId = agent.body.id;
});

after(async () => {
  await p?.platform.stop();
});

const LONG = 'A very long name '.repeat(6) + 'that goes on'; // 114 characters
const EXACT = 'n'.repeat(100);

/** The problem names `body.name` with words a person reads. */
function refusedInWords(res: { status: number; body: Problem }): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  const error = res.body.errors.find((e) => e.path === 'body.name');
  assert.ok(error, JSON.stringify(res.body));
  assert.match(error.message, /100 characters/);
  assert.doesNotMatch(error.message, /Too big|expected string/);
}

test('an agent name over 100 characters is refused in words; 100 are kept whole', async () => {
  refusedInWords(
    await p.json<Problem>('/agents', {
      method: 'POST',
      token: lee.token,
      json: { templateId: 'inbox-triage', name: LONG },
    }),
  );
  refusedInWords(
    await p.json<Problem>(`/agents/${agentId}`, { method: 'PATCH', token: lee.token, json: { name: LONG } }),
  );
  const kept = await p.json<{ name: string }>(`/agents/${agentId}`, {
    method: 'PATCH',
    token: lee.token,
    json: { name: EXACT },
  });
  assert.equal(kept.status, 200);
  assert.equal(kept.body.name, EXACT);
});

test('a workflow name over 100 characters is refused in words', async () => {
  refusedInWords(
    await p.json<Problem>('/workflows', {
      method: 'POST',
      token: lee.token,
      json: { name: LONG, mode: 'sequential', steps: [{ agentId }] },
    }),
  );
  const workflows = await p.json<{ items: unknown[] }>('/workflows', { token: lee.token });
  assert.equal(workflows.body.items.length, 0, 'nothing was created');
});

test('a token name over 100 characters is refused in words', async () => {
  refusedInWords(
    await p.json<Problem>('/tokens', {
      method: 'POST',
      token: lee.token,
      json: { name: LONG, scopes: ['suggestions:read'], expiresInDays: 30 },
    }),
  );
  const tokens = await p.json<{ items: unknown[] }>('/tokens', { token: lee.token });
  assert.equal(tokens.body.items.length, 0, 'nothing was created');
});
