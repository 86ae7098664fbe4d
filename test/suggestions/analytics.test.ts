import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDashboard } from '../../shared/analytics/dashboard';
import { domainEvent } from '../../shared/platform/events/domain-event';
import { origin, startSuggestionServices, taskProposal } from '../support/suggestion-services';

let ctx: Awaited<ReturnType<typeof startSuggestionServices>>;
const tenant = 'tenant-analytics';

before(async () => {
  ctx = await startSuggestionServices();
});
after(() => ctx.stop());

describe('analytics rollups', () => {
  test('dashboard figures match what happened, and redelivered events count once', async () => {
    const day = ctx.clock.now().toISOString().slice(0, 10);
    const at = { occurredAt: ctx.clock.now() };
    const runEvents = [
      domainEvent('RunStarted', tenant, 'runs/r1', { agentId: 'triage' }, at),
      domainEvent(
        'RunCompleted',
        tenant,
        'runs/r1',
        {
          agentId: 'triage',
          model: 'gpt-x',
          tokens: { prompt: 1000, completion: 200 },
          costUsd: 0.012,
          durationMs: 900,
        },
        at,
      ),
      domainEvent('RunStarted', tenant, 'runs/r2', { agentId: 'drafter' }, at),
      domainEvent(
        'RunFailed',
        tenant,
        'runs/r2',
        { agentId: 'drafter', model: 'gpt-x', tokens: 300, costUsd: 0.003, error: 'boom' },
        at,
      ),
    ];
    const ids = await ctx.services
      .suggestions()
      .propose(origin(tenant, 'r1'), [taskProposal('a'), taskProposal('b'), taskProposal('c')]);
    await ctx.services.suggestions().approve(tenant, ids[0]!, undefined, { source: 'web', actorId: 'me' });
    await ctx.services.suggestions().execute(tenant, ids[0]!);
    await ctx.services.suggestions().reject(tenant, ids[1]!, undefined, { source: 'email-link', actorId: 'me' });
    const suggestionEvents = ctx.capture.events.filter((e) => e.tenantId === tenant);
    const all = [...runEvents, ...suggestionEvents];
    // The broker delivers at least once: everything twice, concurrently.
    const outcomes = await Promise.all([...all, ...all].map((e) => ctx.services.rollups().record(e)));
    assert.equal(outcomes.filter((o) => o === 'applied').length, all.length);
    assert.equal(outcomes.filter((o) => o === 'duplicate').length, all.length);

    const d = await buildDashboard(ctx.services.rollups(), tenant, day, day);
    assert.deepEqual(d.runs.totals, { started: 2, completed: 1, failed: 1, cancelled: 0 });
    assert.equal(d.runs.byDay.length, 1);
    assert.deepEqual(d.usage.totals, { promptTokens: 1000, completionTokens: 500, totalTokens: 1500, costUsd: 0.015 });
    assert.deepEqual(
      d.usage.byAgent.map((r) => [r.agentId, r.totalTokens, r.runs]),
      [
        ['triage', 1200, 1],
        ['drafter', 300, 1],
      ],
    );
    assert.deepEqual(
      d.usage.byModel.map((r) => [r.model, r.runs]),
      [['gpt-x', 2]],
    );
    assert.deepEqual(
      {
        created: d.suggestions.totals.created,
        approved: d.suggestions.totals.approved,
        rejected: d.suggestions.totals.rejected,
        executed: d.suggestions.totals.executed,
      },
      { created: 3, approved: 1, rejected: 1, executed: 1 },
    );
    assert.deepEqual(d.suggestions.decisionSources, { web: 1, 'email-link': 1 });
    assert.equal(d.approvalLatency.decisions, 2);
    assert.equal(d.timeSaved.minutes, 1);
  });

  test('a workflow run is attributed to the agent and model of each step', async () => {
    const tenantId = 'tenant-workflow';
    const day = ctx.clock.now().toISOString().slice(0, 10);
    const event = domainEvent(
      'RunCompleted',
      tenantId,
      'runs/w1',
      {
        workflowId: 'wf-1',
        tokens: { prompt: 300, cached: 0, completion: 30 },
        costUsd: 0.004,
        model: 'm1,m2',
        steps: [
          {
            id: 's1',
            agentId: 'triage',
            status: 'completed',
            tokens: { prompt: 100, cached: 0, completion: 10 },
            costUsd: 0.001,
            model: 'm1',
          },
          {
            id: 's2',
            agentId: 'drafter',
            status: 'completed',
            tokens: { prompt: 200, cached: 0, completion: 20 },
            costUsd: 0.003,
            model: 'm2',
          },
        ],
      },
      { occurredAt: ctx.clock.now() },
    );
    assert.equal(await ctx.services.rollups().record(event), 'applied');
    const d = await buildDashboard(ctx.services.rollups(), tenantId, day, day);
    assert.equal(d.runs.totals.completed, 1);
    assert.deepEqual(
      d.usage.byAgent.map((r) => [r.agentId, r.totalTokens, r.costUsd]),
      [
        ['drafter', 220, 0.003],
        ['triage', 110, 0.001],
      ],
    );
    assert.deepEqual(d.usage.byModel.map((r) => r.model).sort(), ['m1', 'm2']);
    assert.deepEqual(d.usage.totals, { promptTokens: 300, completionTokens: 30, totalTokens: 330, costUsd: 0.004 });
  });

  test('a period with nothing in it shows zeros for every day', async () => {
    const d = await buildDashboard(ctx.services.rollups(), 'tenant-empty', '2026-01-01', '2026-01-07');
    assert.equal(d.runs.byDay.length, 7);
    assert.ok(d.runs.byDay.every((r) => r.completed === 0));
    assert.equal(d.approvalLatency.averageSeconds, null);
  });
});
