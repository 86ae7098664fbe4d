// Counts of agents and workflows under reserve-then-settle: many simultaneous creates through the API never pass the
// plan's limit, a delete frees a slot, and a create that died half-way neither leaks a slot nor goes uncounted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { saveConnector } from '../../shared/connectors/connector-count';
import type { ConnectorRecord } from '../../shared/connectors/connector-record';
import { createMeters } from '../../shared/identity/meters';
import { createUsageService } from '../../shared/identity/usage';
import { createTenantRepository, type TenantDoc } from '../../shared/platform/cosmos/tenant-repository';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const AGENTS = 4;
const WORKFLOWS = 2;
const CONNECTORS = 2;

let p: TestPlatform;

before(async () => {
  p = await startTestPlatform({
    settings: {
      // The count limits are what this measures, not the per-person request rate.
      API_RATE_LIMIT_ENABLED: 'false',
      TIER_LIMITS: JSON.stringify({ free: { agents: AGENTS, workflows: WORKFLOWS, connectors: CONNECTORS } }),
    },
  });
});
after(async () => {
  await p?.platform.stop();
});

const createAgent = (person: Person, name: string) =>
  p.json<{ id: string; limit?: string }>('/agents', {
    method: 'POST',
    token: person.token,
    json: { templateId: 'daily-digest', name },
  });

/** The tenant's count meter as the store holds it: what is charged and what creates in flight hold. */
async function meter(person: Person, limit: 'agents' | 'workflows' | 'connectors') {
  const doc = await createMeters(p.services.cosmos()).read(person.tenantId, `limit:${limit}`);
  return { used: doc?.used ?? 0, reserved: doc?.reserved ?? 0 };
}

/** How many of the person's documents in `container` have `field` = `value`. */
async function documents(
  person: Person,
  container: 'agents' | 'workflows' | 'connectors',
  value: string,
  field = 'type',
): Promise<number> {
  return createTenantRepository<TenantDoc>(p.services.cosmos(), container, container).count(
    person.tenantId,
    `c.${field} = @value`,
    [{ name: '@value', value }],
  );
}

describe('counts of agents and workflows under concurrency', () => {
  test(`20 simultaneous agent creates against a limit of ${AGENTS}: exactly ${AGENTS} exist, the rest answer 429`, async () => {
    const ada = await p.person('ada@standing.test');
    // One agent already there, made before the first counted create: the meter starts from the documents.
    assert.equal((await createAgent(ada, 'first')).status, 201);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => createAgent(ada, `agent ${i}`)));
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(created.length, AGENTS - 1);
    assert.equal(refused.length, 20 - (AGENTS - 1));
    assert.equal(refused[0]!.body.limit, 'agents');
    assert.equal(await documents(ada, 'agents', 'agent'), AGENTS);
    assert.deepEqual(await meter(ada, 'agents'), { used: AGENTS, reserved: 0 });

    // A delete frees exactly one slot, even when many creates race for it.
    const gone = created[0]!.body.id;
    const deleted = await p.platform.api(`/agents/${gone}`, { method: 'DELETE', token: ada.token });
    assert.equal(deleted.status, 204);
    const again = await Promise.all(Array.from({ length: 10 }, (_, i) => createAgent(ada, `again ${i}`)));
    assert.equal(again.filter((a) => a.status === 201).length, 1);
    assert.equal(await documents(ada, 'agents', 'agent'), AGENTS);
    assert.deepEqual(await meter(ada, 'agents'), { used: AGENTS, reserved: 0 });
    const usage = await p.json<{ limits: { agents: { used: number; max: number } } }>('/usage', { token: ada.token });
    assert.deepEqual(usage.body.limits.agents, { used: AGENTS, max: AGENTS, resetsAt: null });
  });

  test(`simultaneous workflow creates against a limit of ${WORKFLOWS}; another person's count is their own`, async () => {
    const bea = await p.person('bea@standing.test');
    const cid = await p.person('cid@standing.test');
    const agent = (await createAgent(bea, 'step')).body.id;
    const workflow = (person: Person, steps: string[], i: number) =>
      p.json<{ id: string }>('/workflows', {
        method: 'POST',
        token: person.token,
        json: { name: `workflow ${i}`, mode: 'sequential', steps: steps.map((agentId) => ({ agentId })) },
      });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => workflow(bea, [agent], i)));
    assert.equal(answers.filter((a) => a.status === 201).length, WORKFLOWS);
    assert.equal(answers.filter((a) => a.status === 429).length, 12 - WORKFLOWS);
    assert.equal(await documents(bea, 'workflows', 'workflow'), WORKFLOWS);
    assert.deepEqual(await meter(bea, 'workflows'), { used: WORKFLOWS, reserved: 0 });

    const cidAgent = (await createAgent(cid, 'step')).body.id;
    assert.equal((await workflow(cid, [cidAgent], 0)).status, 201, "Bea's full count is not Cid's");

    const first = answers.find((a) => a.status === 201)!.body.id;
    assert.equal((await p.platform.api(`/workflows/${first}`, { method: 'DELETE', token: bea.token })).status, 204);
    assert.deepEqual(await meter(bea, 'workflows'), { used: WORKFLOWS - 1, reserved: 0 });
    assert.equal((await workflow(bea, [agent], 99)).status, 201, 'the freed slot can be used again');
  });
});

describe('connected accounts under concurrency', () => {
  test(`simultaneous connects of new accounts against a limit of ${CONNECTORS}; a disconnect frees a slot`, async () => {
    const eve = await p.person('eve@standing.test');
    const google = await p.connectGoogle(eve);
    assert.deepEqual(await meter(eve, 'connectors'), { used: 1, reserved: 0 });
    // A reconnect of the same account is not a new one.
    assert.equal(await p.connectGoogle(eve), google);
    assert.deepEqual(await meter(eve, 'connectors'), { used: 1, reserved: 0 });

    // Six other accounts finishing their connect flow at the same moment: one fits.
    const usage = p.services.usage();
    const count = {
      add: <R extends { created: boolean }>(tenantId: string, id: string, save: () => Promise<R>) =>
        usage.createCounted(tenantId, 'connectors', id, save),
      remove: (tenantId: string) => usage.giveBack(tenantId, 'connectors'),
    };
    const repo = createTenantRepository<ConnectorRecord>(p.services.cosmos(), 'connectors', 'connector');
    const record = (i: number) =>
      ({
        id: `notion-${i}`,
        tenantId: eve.tenantId,
        provider: 'notion',
        families: ['notes'],
        account: `workspace ${i}`,
        accountId: `w${i}`,
        scopes: [],
        status: 'active',
        connectedAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      }) as unknown as ConnectorRecord;
    const saves = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => saveConnector(repo, record(i), true, count)),
    );
    assert.equal(saves.filter((r) => r.status === 'fulfilled').length, CONNECTORS - 1);
    assert.equal(await documents(eve, 'connectors', 'notion', 'provider'), CONNECTORS - 1);
    assert.deepEqual(await meter(eve, 'connectors'), { used: CONNECTORS, reserved: 0 });

    const gone = await p.platform.api(`/connectors/${google}`, { method: 'DELETE', token: eve.token });
    assert.equal(gone.status, 204);
    assert.deepEqual(await meter(eve, 'connectors'), { used: CONNECTORS - 1, reserved: 0 });
    assert.equal(await p.connectGoogle(eve), google, 'the freed slot takes the account back');
    assert.deepEqual(await meter(eve, 'connectors'), { used: CONNECTORS, reserved: 0 });
  });
});

describe('a create that never finished', () => {
  test('the sweep releases the slot when nothing was written, and charges it when the item was', async () => {
    const dan = await p.person('dan@standing.test');
    const usage = p.services.usage();
    const repo = createTenantRepository<TenantDoc & { type: string }>(p.services.cosmos(), 'agents', 'agent');
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    // Two creates whose process "dies" mid-way: their create callbacks never return.
    void usage.createCounted(
      dan.tenantId,
      'agents',
      'agt_never_written',
      () => new Promise<{ created: boolean }>(() => undefined),
    );
    void usage.createCounted(dan.tenantId, 'agents', 'agt_written', async () => {
      await repo.create({ id: 'agt_written', tenantId: dan.tenantId, type: 'agent' });
      wrote();
      return new Promise<{ created: boolean }>(() => undefined);
    });
    await written;
    assert.deepEqual(await meter(dan, 'agents'), { used: 0, reserved: 2 });

    // Nothing is swept before the holds expire; then one slot is released and the written agent is counted.
    await usage.sweepReservations();
    assert.deepEqual(await meter(dan, 'agents'), { used: 0, reserved: 2 });
    const later = new Date(Date.now() + 10 * 60_000);
    const sweepAt = createUsageService({
      store: p.services.cosmos(),
      clock: { now: () => later },
      limits: { free: usage.tierLimits('free'), pro: usage.tierLimits('pro'), team: usage.tierLimits('team') },
      tierOf: async () => 'free',
    });
    assert.ok((await sweepAt.sweepReservations()) >= 2);
    assert.deepEqual(await meter(dan, 'agents'), { used: 1, reserved: 0 });
  });
});
