import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApprovalActivities, type ApprovalInput } from '../../shared/suggestions/approval-activities';
import { origin, startSuggestionServices, taskProposal } from '../support/suggestion-services';

/** The approval wait's activities, built from the real suggestion service; run twice, as Durable may. */
let ctx: Awaited<ReturnType<typeof startSuggestionServices>>;
const reminders: string[] = [];
let activities: ReturnType<typeof createApprovalActivities>;

before(async () => {
  ctx = await startSuggestionServices();
  activities = createApprovalActivities({
    suggestions: ctx.services.suggestions,
    sendReminder: async (_tenantId, suggestionId) => {
      reminders.push(suggestionId);
      return true;
    },
  });
});
after(() => ctx.stop());

async function pendingTask(title: string): Promise<ApprovalInput> {
  const [suggestionId] = await ctx.services.suggestions().propose(origin('tenant-w'), [taskProposal(title)]);
  return { tenantId: 'tenant-w', suggestionId: suggestionId!, reminderBeforeSeconds: 3600 };
}

describe('approval activities', () => {
  test('a reminder step that runs twice emails the person once', async () => {
    const input = await pendingTask('Renew the passport');
    assert.equal(await activities.remind(input), true);
    assert.equal(await activities.remind(input), false);
    assert.deepEqual(
      reminders.filter((id) => id === input.suggestionId),
      [input.suggestionId],
    );
    assert.ok((await activities.state(input)).reminderSentAt, 'the wait knows the reminder went out');
  });

  test('after approval the action is carried out once; a failure after that changes nothing', async () => {
    const input = await pendingTask('Book the dentist');
    assert.equal((await activities.state(input)).status, 'pending');
    await ctx.services.suggestions().approve(input.tenantId, input.suggestionId, undefined, {
      actorId: 'w',
      source: 'web',
    });
    assert.equal(await activities.execute(input), 'executed');
    assert.equal(await activities.execute(input), 'executed');
    assert.equal(await activities.markFailed({ ...input, error: 'late failure' }), 'executed');
    assert.equal(await activities.expire(input), 'executed');
  });
});
