import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAi, type FakeOpenAi, type FakeReply } from '../support/fake-openai';
import { deliverMail } from '../support/connectors';
import { eventually, startTestPlatform, type TestPlatform, type Person } from '../support/platform';

let fake: FakeOpenAi;
let p: TestPlatform;
let gus: Person;
let workflowId: string;
let triageAgentId: string;
let connectorId: string;

const USAGE = { prompt: 1000, cached: 400, completion: 50 };
/** gpt-4o-mini list price: 600 uncached × 0.15 + 400 cached × 0.075 + 50 × 0.6 per million tokens. */
const COST_PER_REQUEST = (600 * 0.15 + 400 * 0.075 + 50 * 0.6) / 1e6;

/** A model that answers each task with a valid, minimal result (triage marks every message as needing a reply). */
function answer(body: FakeOpenAi['requests'][number]): FakeReply {
  const task = (body.response_format as { json_schema: { name: string } }).json_schema.name;
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const ids = [...user.matchAll(/<data kind="mail" id="([^"]+)"/g)].map((m) => m[1]);
  const content =
    task === 'inbox-triage'
      ? {
          items: ids.map((messageId) => ({
            messageId,
            category: 'needs_reply',
            priority: 2,
            reason: 'asks something',
            confidence: 0.9,
          })),
        }
      : task === 'reply-drafter'
        ? {
            replies: ids
              .slice(0, 1)
              .map((messageId) => ({ messageId, body: 'Thanks, I will look at it today.', confidence: 0.8 })),
          }
        : {};
  return { content: JSON.stringify(content), usage: USAGE };
}

before(async () => {
  fake = await startFakeOpenAi();
  p = await startTestPlatform({
    settings: {
      AI_PROVIDER: 'compatible',
      AI_BASE_URL: fake.baseUrl,
      AI_API_KEY: 'test',
      AI_MODEL_SMALL: 'gpt-4o-mini',
      AI_MODEL_LARGE: 'gpt-4o',
      AI_MAX_RETRIES: '1',
      AI_MAX_RETRY_DELAY_MS: '50',
    },
  });
  gus = await p.person('gus@model.test', 'Gus');
  connectorId = await p.connectGoogle(gus);
  const install = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: gus.token });
  workflowId = install.body.workflowIds[0];
  triageAgentId = install.body.agentIds[0];
});
after(async () => {
  await p.platform.stop();
  await fake.close();
});
beforeEach(async () => {
  fake.queue.length = 0;
  fake.fallback = answer;
  // Runs read only what is new since the agents' last completed run: each test's run gets a new mail to read.
  await deliverMail(
    p.services,
    { tenantId: gus.tenantId, connectorId, apiRoot: p.platform.settings.GOOGLE_API_ROOT_URL! },
    { from: 'Priya Shah <priya@northwind.example>', subject: 'Quick question', text: 'Could you confirm by Friday?' },
  );
});

test('a run through an OpenAI-compatible model records its tokens and cost per step, per run and in the usage', async () => {
  const before = await p.json('/usage', { token: gus.token });
  const requestsBefore = fake.requests.length;
  // The first triage answer is malformed; the gateway repairs it once.
  fake.queue.push({ content: 'I think most of these need replies.', usage: USAGE });
  const started = await p.json('/orchestration/runs', { method: 'POST', token: gus.token, json: { workflowId } });
  const run = await p.finishedRun(gus, started.body.id);
  assert.equal(run.status, 'completed', JSON.stringify(run));

  const [triage, replies] = run.steps;
  assert.equal(triage.model, 'gpt-4o-mini', 'the free tier uses the small model');
  assert.equal(triage.modelRequests, 2, 'one repair');
  assert.deepEqual(triage.tokens, {
    prompt: 2 * USAGE.prompt,
    cached: 2 * USAGE.cached,
    completion: 2 * USAGE.completion,
  });
  // Replies are written one message per request: each prompt holds the one message it answers, nothing else.
  const replyRequests = fake.requests
    .slice(requestsBefore)
    .filter((r) => (r.response_format as any).json_schema.name === 'reply-drafter');
  const drafts = replyRequests.length;
  assert.ok(drafts > 1, 'triage marked several messages as needing a reply');
  assert.equal(replies.modelRequests, drafts);
  for (const request of replyRequests) {
    assert.equal(request.messages[1]!.content.match(/<data kind=/g)?.length, 1, request.messages[1]!.content);
    assert.doesNotMatch(request.messages[1]!.content, /kind="result"/, "earlier steps' results stay out");
    assert.match(request.messages[1]!.content, /picked="true"/, 'triage picked it, in code');
    assert.equal(request.model, 'gpt-4o-mini');
  }
  const requests = 2 + drafts;
  assert.equal(fake.requests.length - requestsBefore, requests);
  assert.deepEqual(run.tokens, {
    prompt: requests * USAGE.prompt,
    cached: requests * USAGE.cached,
    completion: requests * USAGE.completion,
  });
  assert.ok(Math.abs(run.costUsd - requests * COST_PER_REQUEST) < 1e-9, `cost ${run.costUsd}`);
  assert.equal(replies.suggestionIds.length, drafts);

  const after = await p.json('/usage', { token: gus.token });
  assert.equal(after.body.month.promptTokens - before.body.month.promptTokens, requests * USAGE.prompt);
  assert.equal(after.body.month.cachedPromptTokens - before.body.month.cachedPromptTokens, requests * USAGE.cached);
  assert.equal(after.body.today.runs - before.body.today.runs, 1);
  assert.ok(Math.abs(after.body.month.costUsd - before.body.month.costUsd - requests * COST_PER_REQUEST) < 1e-9);
});

test('when the model fails in the second step, the run fails with a safe reason and keeps the first step', async () => {
  fake.fallback = (body) => {
    const task = (body.response_format as { json_schema: { name: string } }).json_schema.name;
    return task === 'reply-drafter' ? { status: 500, content: 'internal details that must not leak' } : answer(body);
  };
  const started = await p.json('/orchestration/runs', { method: 'POST', token: gus.token, json: { workflowId } });
  const run = await p.finishedRun(gus, started.body.id);
  assert.equal(run.status, 'failed');
  assert.match(run.reason, /The AI model did not answer \(status 500\) after 2 attempt/);
  assert.doesNotMatch(JSON.stringify(run), /internal details/);
  assert.equal(run.steps[0].status, 'completed');
  assert.ok(run.steps[0].suggestionIds.length > 0, "the first step's suggestions are kept");
  assert.equal(run.steps[1].status, 'failed');
  assert.ok(run.tokens.prompt >= USAGE.prompt);
});

test('cancelling a running run stops it before its next step', async () => {
  fake.fallback = (body) => ({ ...answer(body), hold: true });
  const requestsBefore = fake.requests.length;
  const started = await p.json('/orchestration/runs', { method: 'POST', token: gus.token, json: { workflowId } });
  const runId = started.body.id;
  await eventually(
    () => p.json(`/orchestration/runs/${runId}`, { token: gus.token }),
    (r) => r.body.steps[0].status === 'running' && r.body.progress.currentStep === 's1',
    'the first step to be running',
  );
  await eventually(
    async () => fake.requests.length,
    (n) => n > requestsBefore,
    'the model request of the first step',
  );
  const cancel = await p.json(`/orchestration/runs/${runId}/cancel`, { method: 'POST', token: gus.token });
  assert.equal(cancel.status, 202);
  assert.equal(cancel.body.cancelRequested, true);
  fake.release();
  const run = await p.finishedRun(gus, runId);
  assert.equal(run.status, 'cancelled');
  assert.equal(run.reason, 'Cancelled at your request.');
  assert.deepEqual(
    run.steps.map((s: any) => s.status),
    ['completed', 'cancelled'],
  );
  assert.equal((await p.json(`/orchestration/runs/${runId}/cancel`, { method: 'POST', token: gus.token })).status, 409);
  const audit = await p.json('/audit?type=run.&limit=20', { token: gus.token });
  assert.ok(audit.body.items.some((a: any) => a.action === 'run.cancelled' && a.target.id === runId));
});

test('a run list shows each run with its status, and filters by status', async () => {
  const failed = await p.json('/orchestration/runs?status=failed', { token: gus.token });
  assert.ok(failed.body.items.length >= 1);
  assert.ok(failed.body.items.every((r: any) => r.status === 'failed'));
  const mine = await p.json(`/orchestration/runs?agentId=${triageAgentId}&limit=2`, { token: gus.token });
  assert.equal(mine.body.items.length, 2);
  assert.ok(mine.body.nextCursor, 'paged');
});
