// The Durable store's journal: what a fresh process loads from disk equals what was committed in memory, through
// inbox, activity, timer and slot changes, new executions, purges and compaction.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { historyEvent } from '../../local/durable/episode';
import { EventType, type Instance } from '../../local/durable/model';
import { DurableStore } from '../../local/durable/store';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'durable-store-'));
  dirs.push(dir);
  return dir;
}

function instance(id: string, executionId = 0): Instance {
  const now = new Date().toISOString();
  return {
    instanceId: id,
    name: 'orchestrator',
    version: '',
    input: '{"n":1}',
    runtimeStatus: 'Pending',
    output: null,
    customStatus: null,
    createdTime: now,
    lastUpdatedTime: now,
    executionId,
    history: [],
    inbox: [historyEvent(EventType.ExecutionStarted, now, { Name: 'orchestrator' })],
    nextId: 0,
    slots: [],
    activities: [],
    timers: [],
  };
}

function reloaded(dir: string): Map<string, Instance> {
  const store = new DurableStore(dir);
  store.load(() => {});
  store.close();
  return store.instances;
}

function assertSame(dir: string, live: DurableStore): void {
  const loaded = reloaded(dir);
  assert.deepEqual([...loaded.keys()].sort(), [...live.instances.keys()].sort());
  for (const [id, value] of live.instances)
    assert.deepEqual(loaded.get(id), JSON.parse(JSON.stringify(value)), `instance ${id}`);
}

test('every kind of change survives a reload, and each commit writes only what changed', async () => {
  const dir = tempDir();
  const store = new DurableStore(dir);
  store.load(() => {});
  const a = instance('a');
  store.commit([a]);
  assertSame(dir, store);

  // An episode: the inbox's first event is taken, history grows, work is scheduled.
  const ts = new Date().toISOString();
  const started = a.inbox.shift()!;
  a.history.push(
    historyEvent(EventType.OrchestratorStarted, ts),
    started,
    historyEvent(EventType.TaskScheduled, ts, { Name: 'x' }, 0),
  );
  a.slots.push({ kind: 'activity', ids: [0], name: 'x' }, { kind: 'timer', ids: [1], fireAt: ts });
  a.activities.push({ taskId: 0, name: 'x', input: { big: 'y'.repeat(2000) } });
  a.timers.push({ timerId: 1, fireAt: ts });
  a.runtimeStatus = 'Running';
  a.nextId = 2;
  store.commit([a]);
  assertSame(dir, store);

  // A completion arrives while an event waits in the inbox; the slot and timer change in place.
  const before = statSync(join(dir, 'durable', 'journal.jsonl')).size;
  a.activities.splice(0, 1);
  a.inbox.push(historyEvent(EventType.TaskCompleted, ts, { TaskScheduledId: 0, Result: '"ok"' }));
  a.inbox.push(historyEvent(EventType.EventRaised, ts, { Name: 'go', Input: null }));
  a.slots[1]!.canceled = true;
  a.timers = [];
  a.customStatus = '{"stage":"two"}';
  store.commit([a]);
  const growth = statSync(join(dir, 'durable', 'journal.jsonl')).size - before;
  assert.ok(growth < 1500, `a small change writes a small line (${growth} bytes), not the 2 KB activity input again`);
  assertSame(dir, store);

  // A child is created in the same transaction as its parent's change.
  a.inbox.shift();
  const child = instance('a:2');
  child.parent = { instanceId: 'a', taskId: 2, executionId: 0 };
  store.commit([a, child]);
  assertSame(dir, store);

  // A new execution (ContinueAsNew) starts with a fresh history and is written in full.
  a.executionId = 1;
  a.history = [];
  a.slots = [];
  a.input = '{"n":2}';
  a.inbox = [historyEvent(EventType.ExecutionStarted, ts, { Name: 'orchestrator' }), ...a.inbox];
  store.commit([a]);
  assertSame(dir, store);

  // A purge, then the same id created again.
  store.commit([], ['a:2']);
  assertSame(dir, store);
  store.commit([instance('a:2')]);
  assertSame(dir, store);

  store.compact();
  assertSame(dir, store);
  const c = store.instances.get('a')!;
  c.runtimeStatus = 'Completed';
  c.output = '"done"';
  c.inbox = [];
  store.commit([c]);
  store.close();
  assertSame(dir, store);
  assert.equal(reloaded(dir).get('a')?.runtimeStatus, 'Completed');
});
