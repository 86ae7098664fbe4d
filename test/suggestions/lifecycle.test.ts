import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../shared/platform/errors';
import type { Stored } from '../../shared/platform/cosmos/tenant-repository';
import { SUGGESTION_TRANSITIONS, canTransition } from '../../shared/suggestions/lifecycle';
import { SUGGESTION_STATUSES, type SuggestionDoc, type SuggestionStatus } from '../../shared/suggestions/model';
import { createSuggestionStore, type SuggestionStore } from '../../shared/suggestions/suggestion-store';
import { startSuggestionServices } from '../support/suggestion-services';

/**
 * The suggestion lifecycle, pair by pair: every write the table allows goes through, every other one is refused with
 * 409 and leaves the stored suggestion exactly as it was. Run against the store the service writes through (the
 * embedded Cosmos-API server), then through the operations a person and the approval wait call.
 */
let ctx: Awaited<ReturnType<typeof startSuggestionServices>>;
let store: SuggestionStore;
const TENANT = 'tenant-lifecycle';
let counter = 0;

before(async () => {
  ctx = await startSuggestionServices();
  store = createSuggestionStore(ctx.services.cosmos());
});
after(() => ctx.stop());

/** A stored task suggestion in `status`, as the product would have left it there. */
async function seed(status: SuggestionStatus): Promise<Stored<SuggestionDoc>> {
  const now = ctx.clock.now();
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  const decided = status !== 'pending' && status !== 'expired';
  const carriedOut = ['executing', 'executed', 'failed', 'undone'].includes(status);
  const { doc } = await store.createIfAbsent({
    id: `sug_lifecycle_${status}_${++counter}`,
    tenantId: TENANT,
    type: 'suggestion',
    kind: 'task',
    payload: { title: `A ${status} task` },
    rationale: 'You asked to be reminded.',
    sources: [],
    origin: { runId: 'run-lifecycle', agentId: 'agent', templateId: 't', promptVersion: 'v1', model: 'offline' },
    riskFlags: [],
    preview: { action: `Add the task "A ${status} task"`, fields: [] },
    status,
    createdAt: at(-5),
    expiresAt: status === 'expired' ? at(-1) : at(60),
    updatedAt: at(-1),
    ...(decided
      ? {
          decision: {
            decision: status === 'rejected' ? ('reject' as const) : ('approve' as const),
            source: 'web' as const,
            actorId: 'a',
            at: at(-2),
            edited: false,
          },
        }
      : {}),
    ...(carriedOut ? { execution: { idempotencyKey: `pa-${counter}`, attempts: 1, startedAt: at(-1) } } : {}),
    ...(status === 'executed' ? { undoableUntil: at(15) } : {}),
    ...(status === 'undone' ? { undoneAt: at(-1) } : {}),
  });
  return doc;
}

async function assertRefusedAndUnchanged(attempt: Promise<unknown>, seeded: Stored<SuggestionDoc>, what: string) {
  await assert.rejects(attempt, (err: unknown) => err instanceof AppError && err.status === 409, what);
  assert.deepEqual(await store.get(TENANT, seeded.id), seeded, `${what}: the suggestion is unchanged`);
}

const PAIRS = SUGGESTION_STATUSES.flatMap((from) => SUGGESTION_STATUSES.map((to) => [from, to] as const));

describe('suggestion lifecycle', () => {
  test('the table names every status, and the final ones allow nothing', () => {
    assert.deepEqual(Object.keys(SUGGESTION_TRANSITIONS).sort(), [...SUGGESTION_STATUSES].sort());
    for (const final of ['rejected', 'expired', 'failed', 'undone'] as const) {
      assert.deepEqual(SUGGESTION_TRANSITIONS[final], [], `${final} is final`);
    }
    assert.equal(PAIRS.length, 64);
    assert.deepEqual(
      PAIRS.filter(([from, to]) => canTransition(from, to)).map(([from, to]) => `${from} -> ${to}`),
      [
        'pending -> pending',
        'pending -> approved',
        'pending -> rejected',
        'pending -> expired',
        'approved -> executing',
        'approved -> failed',
        'approved -> undone',
        'executing -> executing',
        'executing -> executed',
        'executing -> failed',
        'executed -> undone',
      ],
      'what the product does: decide or expire, claim, carry out or fail (also before the claim), cancel a held send, undo',
    );
  });

  test('every pair of statuses: allowed writes are stored, all others get 409 and change nothing', async () => {
    for (const [from, to] of PAIRS) {
      const seeded = await seed(from);
      const write = store.transition(TENANT, seeded.id, undefined, (current) => ({
        ...current,
        status: to,
        updatedAt: ctx.clock.now().toISOString(),
      }));
      if (canTransition(from, to)) {
        const { after, changed } = await write;
        assert.ok(changed, `${from} -> ${to} is stored`);
        assert.equal((await store.get(TENANT, seeded.id)).status, to, `${from} -> ${to} is stored`);
        assert.notEqual(after._etag, seeded._etag);
      } else {
        await assertRefusedAndUnchanged(write, seeded, `${from} -> ${to}`);
      }
    }
  });

  test('a write from a version just read is held to the same table', async () => {
    for (const [from, to] of PAIRS) {
      const seeded = await seed(from);
      const write = store.transitionFrom(seeded, (current) => ({ ...current, status: to }));
      if (canTransition(from, to)) assert.equal((await write).after.status, to, `${from} -> ${to}`);
      else await assertRefusedAndUnchanged(write, seeded, `${from} -> ${to}`);
    }
  });

  test('approve, reject and undo work from the statuses the table allows and answer 409 from all others', async () => {
    const suggestions = ctx.services.suggestions();
    const person = { source: 'web' as const, actorId: 'a' };
    const operations = {
      approved: (id: string) => suggestions.approve(TENANT, id, undefined, person),
      rejected: (id: string) => suggestions.reject(TENANT, id, undefined, person),
      undone: (id: string) => suggestions.undo(TENANT, id, person),
    };
    for (const from of SUGGESTION_STATUSES) {
      for (const [to, operate] of Object.entries(operations) as [
        SuggestionStatus,
        (id: string) => Promise<unknown>,
      ][]) {
        const seeded = await seed(from);
        if (canTransition(from, to)) {
          await operate(seeded.id);
          assert.equal((await store.get(TENANT, seeded.id)).status, to, `${from} -> ${to}`);
        } else {
          await assertRefusedAndUnchanged(operate(seeded.id), seeded, `${from} -> ${to}`);
        }
      }
    }
  });

  test('the approval wait expires, fails or carries out only what the table allows, and leaves the rest as it is', async () => {
    const suggestions = ctx.services.suggestions();
    for (const from of SUGGESTION_STATUSES) {
      const expiring = await seed(from);
      const expired = await suggestions.expire(TENANT, expiring.id);
      assert.equal(expired, canTransition(from, 'expired') ? 'expired' : from, `expire from ${from}`);

      const failing = await seed(from);
      const failed = await suggestions.markFailed(TENANT, failing.id, 'provider down');
      assert.equal(failed, canTransition(from, 'failed') ? 'failed' : from, `mark failed from ${from}`);

      const executing = await seed(from);
      const executed = await suggestions.execute(TENANT, executing.id);
      assert.equal(executed, canTransition(from, 'executing') ? 'executed' : from, `execute from ${from}`);

      for (const untouched of [
        canTransition(from, 'expired') ? undefined : expiring,
        canTransition(from, 'failed') ? undefined : failing,
        canTransition(from, 'executing') ? undefined : executing,
      ]) {
        if (untouched) assert.deepEqual(await store.get(TENANT, untouched.id), untouched, `${from} stays as it was`);
      }
    }
  });
});
