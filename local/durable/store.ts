/**
 * Durable state on disk: `snapshot.jsonl` (one full instance per line, written to a temporary file, fsynced and
 * renamed into place) plus `journal.jsonl`, an append-only log with one line per committed transaction.
 *
 * A journal line holds, per touched instance, only what changed since that instance was last written: new history
 * events, events added to or taken from the inbox, activities and timers added or removed, changed slots, and the
 * few fields that move (status, output, custom status, time, id counter). So a commit costs about the size of the
 * change, even for an orchestration with hundreds of tasks in flight. A new instance or a new execution
 * (ContinueAsNew, re-creation) is written in full.
 *
 * Lines carry a sequence number; replay skips lines already in the snapshot, so a crash between writing a snapshot
 * and emptying the journal loses nothing and applies nothing twice. A torn last line (the process died mid-write) is
 * ignored: that transaction never happened.
 */
import {
  close,
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent, Instance, PendingActivity, PendingTimer, Slot } from './model.js';

type InstanceMeta = Omit<Instance, 'history'>;

/** The fields that change within one execution. */
interface Moving {
  runtimeStatus: Instance['runtimeStatus'];
  output: string | null;
  customStatus: string | null;
  lastUpdatedTime: string;
  nextId: number;
}

type Delta =
  /** Full: the instance's metadata and its whole history. */
  | { f: InstanceMeta; h: HistoryEvent[] }
  | {
      id: string;
      m: Moving;
      /** History events added. */
      h?: HistoryEvent[];
      /** Inbox: how many events were taken from the front, and the events added at the back. */
      ib?: [number, HistoryEvent[]];
      /** Activities: task ids removed, activities added. */
      a?: [number[], PendingActivity[]];
      /** Timers: timer ids removed, timers added. */
      t?: [number[], PendingTimer[]];
      /** Slots changed or added: [index, slot]. */
      sl?: [number, Slot][];
    };

interface JournalLine {
  s: number;
  i?: Delta[];
  /** Purged instance ids. */
  d?: string[];
}

/** What was last written for an instance, to compute the next delta. */
interface Written {
  executionId: number;
  historyLength: number;
  inbox: HistoryEvent[];
  activities: PendingActivity[];
  timers: PendingTimer[];
  slots: string[];
}

const COMPACT_AT_BYTES = 32 * 1024 * 1024;
const SYNC_EVERY_MS = 50;

function written(instance: Instance): Written {
  return {
    executionId: instance.executionId,
    historyLength: instance.history.length,
    inbox: [...instance.inbox],
    activities: [...instance.activities],
    timers: [...instance.timers],
    slots: instance.slots.map((slot) => JSON.stringify(slot)),
  };
}

/** Items removed from `before` and added in `after`, by identity. */
function setDelta<T>(before: T[], after: T[]): [T[], T[]] {
  const now = new Set(after);
  const then = new Set(before);
  return [before.filter((x) => !now.has(x)), after.filter((x) => !then.has(x))];
}

function delta(instance: Instance, last: Written | undefined): Delta {
  if (!last || last.executionId !== instance.executionId || instance.history.length < last.historyLength) {
    const { history, ...meta } = instance;
    return { f: meta, h: history };
  }
  const out: Extract<Delta, { id: string }> = {
    id: instance.instanceId,
    m: {
      runtimeStatus: instance.runtimeStatus,
      output: instance.output,
      customStatus: instance.customStatus,
      lastUpdatedTime: instance.lastUpdatedTime,
      nextId: instance.nextId,
    },
  };
  if (instance.history.length > last.historyLength) out.h = instance.history.slice(last.historyLength);

  const [taken, added] = setDelta(last.inbox, instance.inbox);
  const keptInOrder = last.inbox.slice(taken.length).every((event, n) => instance.inbox[n] === event);
  if (!keptInOrder || taken.some((event, n) => last.inbox[n] !== event)) {
    // Not a take-from-front / add-at-back change: write the instance in full.
    const { history, ...meta } = instance;
    return { f: meta, h: history };
  }
  if (taken.length > 0 || added.length > 0) out.ib = [taken.length, added];

  const [doneActivities, newActivities] = setDelta(last.activities, instance.activities);
  if (doneActivities.length > 0 || newActivities.length > 0)
    out.a = [doneActivities.map((a) => a.taskId), newActivities];
  const [doneTimers, newTimers] = setDelta(last.timers, instance.timers);
  if (doneTimers.length > 0 || newTimers.length > 0) out.t = [doneTimers.map((t) => t.timerId), newTimers];

  const slots: [number, Slot][] = [];
  instance.slots.forEach((slot, index) => {
    if (last.slots[index] !== JSON.stringify(slot)) slots.push([index, slot]);
  });
  if (slots.length > 0) out.sl = slots;
  return out;
}

export class DurableStore {
  readonly instances = new Map<string, Instance>();
  private readonly written = new Map<string, Written>();
  private readonly dir: string;
  private journalFd: number | undefined;
  private seq = 0;
  private journalBytes = 0;
  private syncTimer: NodeJS.Timeout | undefined;
  /** Journal descriptors with a background flush in flight, and those to close once it is done. */
  private readonly syncing = new Set<number>();
  private readonly retired = new Set<number>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'durable');
  }

  /** Loads the snapshot and the journal, then compacts them into a fresh snapshot. */
  load(log: (message: string) => void): void {
    mkdirSync(this.dir, { recursive: true });
    const snapshotPath = join(this.dir, 'snapshot.jsonl');
    let snapshotSeq = 0;
    if (existsSync(snapshotPath)) {
      const lines = readFileSync(snapshotPath, 'utf8').split('\n').filter(Boolean);
      const header = JSON.parse(lines[0] ?? '{"s":0}') as { s: number };
      snapshotSeq = header.s;
      for (const line of lines.slice(1)) {
        const instance = JSON.parse(line) as Instance;
        this.instances.set(instance.instanceId, instance);
      }
    }
    this.seq = snapshotSeq;
    const journalPath = join(this.dir, 'journal.jsonl');
    if (existsSync(journalPath)) {
      const lines = readFileSync(journalPath, 'utf8').split('\n');
      for (let n = 0; n < lines.length; n++) {
        const text = lines[n];
        if (!text) continue;
        let line: JournalLine;
        try {
          line = JSON.parse(text) as JournalLine;
        } catch {
          if (n >= lines.length - 2) {
            log('durable journal: ignoring a torn last line (the runtime stopped mid-write)');
            continue;
          }
          throw new Error(`The durable journal ${journalPath} is damaged at line ${n + 1}.`);
        }
        if (line.s <= snapshotSeq) continue;
        this.apply(line);
        this.seq = line.s;
      }
    }
    for (const instance of this.instances.values()) this.written.set(instance.instanceId, written(instance));
    this.compact();
  }

  private apply(line: JournalLine): void {
    for (const change of line.i ?? []) {
      if ('f' in change) {
        this.instances.set(change.f.instanceId, { ...change.f, history: change.h });
        continue;
      }
      const instance = this.instances.get(change.id);
      if (!instance) throw new Error(`The durable journal changes instance '${change.id}', which it never created.`);
      Object.assign(instance, change.m);
      if (change.h) instance.history.push(...change.h);
      if (change.ib) instance.inbox = [...instance.inbox.slice(change.ib[0]), ...change.ib[1]];
      if (change.a) {
        const done = new Set(change.a[0]);
        instance.activities = [...instance.activities.filter((a) => !done.has(a.taskId)), ...change.a[1]];
      }
      if (change.t) {
        const done = new Set(change.t[0]);
        instance.timers = [...instance.timers.filter((t) => !done.has(t.timerId)), ...change.t[1]];
      }
      for (const [index, slot] of change.sl ?? []) instance.slots[index] = slot;
    }
    for (const id of line.d ?? []) this.instances.delete(id);
  }

  /** Records a transaction. The line reaches the OS at once (it survives the process being killed) and the disk within ~50 ms. */
  commit(instances: Instance[], purged: string[] = []): void {
    const line: JournalLine = { s: ++this.seq };
    if (instances.length > 0) {
      line.i = instances.map((instance) => delta(instance, this.written.get(instance.instanceId)));
    }
    if (purged.length > 0) line.d = purged;
    for (const instance of instances) {
      this.instances.set(instance.instanceId, instance);
      this.written.set(instance.instanceId, written(instance));
    }
    for (const id of purged) {
      this.instances.delete(id);
      this.written.delete(id);
    }
    this.append(`${JSON.stringify(line)}\n`);
  }

  private append(text: string): void {
    if (this.journalFd === undefined) this.journalFd = openSync(join(this.dir, 'journal.jsonl'), 'a');
    const buffer = Buffer.from(text, 'utf8');
    writeSync(this.journalFd, buffer);
    this.journalBytes += buffer.length;
    this.syncTimer ??= setTimeout(() => this.syncInBackground(), SYNC_EVERY_MS);
    if (this.journalBytes > COMPACT_AT_BYTES) this.compact();
  }

  /** Flushes the journal to disk off the event loop; a journal closed meanwhile is closed once the flush is done. */
  private syncInBackground(): void {
    this.syncTimer = undefined;
    const fd = this.journalFd;
    if (fd === undefined) return;
    if (this.syncing.has(fd)) {
      this.syncTimer = setTimeout(() => this.syncInBackground(), SYNC_EVERY_MS);
      return;
    }
    this.syncing.add(fd);
    fdatasync(fd, () => {
      this.syncing.delete(fd);
      if (this.retired.delete(fd)) close(fd, () => {});
    });
  }

  /** Flushes the journal to disk now. */
  sync(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.journalFd !== undefined) fdatasyncSync(this.journalFd);
  }

  private closeJournal(): void {
    const fd = this.journalFd;
    this.journalFd = undefined;
    if (fd === undefined) return;
    if (this.syncing.has(fd)) this.retired.add(fd);
    else closeSync(fd);
  }

  /** Writes every instance to a new snapshot (atomically) and starts an empty journal. */
  compact(): void {
    const tmp = join(this.dir, 'snapshot.jsonl.tmp');
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${JSON.stringify({ s: this.seq })}\n`);
      for (const instance of this.instances.values()) writeSync(fd, `${JSON.stringify(instance)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, 'snapshot.jsonl'));
    this.syncDir();
    this.closeJournal();
    const journal = join(this.dir, 'journal.jsonl');
    closeSync(openSync(journal, 'w'));
    this.journalFd = openSync(journal, 'a');
    this.journalBytes = 0;
  }

  private syncDir(): void {
    try {
      const fd = openSync(this.dir, 'r');
      fsyncSync(fd);
      closeSync(fd);
    } catch {
      // Not every platform can fsync a directory; the rename is still atomic.
    }
  }

  close(): void {
    this.sync();
    this.closeJournal();
  }
}
