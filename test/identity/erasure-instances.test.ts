// Deleting an account stops and purges the person's running orchestrations, found from their own run documents,
// while a neighbour's run on the same task hub keeps going and finishes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import { answerTasks } from '../support/task-answers';

let fake: FakeOpenAi;
const answer = answerTasks();
let p: TestPlatform;

before(async () => {
  fake = await startFakeOpenAi();
  // Every model call is held open until the test lets it answer: both runs are mid-call when the account goes.
  fake.fallback = (body) => ({ ...answer(body), hold: true });
  p = await startTestPlatform({
    settings: {
      API_RATE_LIMIT_ENABLED: 'false',
      AI_PROVIDER: 'compatible',
      AI_BASE_URL: fake.baseUrl,
      AI_API_KEY: 'test-key',
      AI_MAX_RETRIES: '0',
    },
  });
});
after(async () => {
  await p?.platform.stop();
  await fake?.close();
});

async function startRun(person: Person): Promise<{ id: string; instanceId: string }> {
  await p.connectGoogle(person);
  const agent = await p.json<{ id: string }>('/agents', {
    method: 'POST',
    token: person.token,
    json: { templateId: 'daily-digest' },
  });
  assert.equal(agent.status, 201, JSON.stringify(agent.body));
  const run = await p.json<{ id: string }>('/orchestration/runs', {
    method: 'POST',
    token: person.token,
    json: { agentId: agent.body.id },
  });
  assert.equal(run.status, 202, JSON.stringify(run.body));
  return { id: run.body.id, instanceId: `run:${person.tenantId}:${run.body.id}` };
}

const statusOf = async (instanceId: string) =>
  (
    await p
      .durableClient()
      .getStatus(instanceId)
      .catch(() => undefined)
  )?.runtimeStatus;

test("deleting an account purges its running run orchestrations and leaves a neighbour's running", async () => {
  const ada = await p.person('ada@erasure.test');
  const ben = await p.person('ben@erasure.test');
  const [mine, theirs] = await Promise.all([startRun(ada), startRun(ben)]);
  await eventually(
    async () => fake.inFlight,
    (n) => n >= 2,
    'both runs to be in their model call',
    120_000,
  );
  assert.equal(await statusOf(mine.instanceId), 'Running');
  assert.equal(await statusOf(theirs.instanceId), 'Running');

  const erased = await p.json<{ orchestrations: number }>('/me', { method: 'DELETE', token: ada.token });
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal(erased.body.orchestrations, 1, 'one run, one instance purged');
  assert.equal(await statusOf(mine.instanceId), undefined, "Ada's run orchestration is gone");

  assert.equal(await statusOf(theirs.instanceId), 'Running', "Ben's run was not touched");
  fake.fallback = answer;
  fake.release();
  const finished = await p.finishedRun(ben, theirs.id, 120_000);
  assert.equal(finished.status, 'completed');
});
