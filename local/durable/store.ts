/**
 * Durable state on disk: `snapshot.jsonl` (one full instance per line, written to a temporary file, fsynced and
 * renamed into place) plus `journal.jsonl`, an append-only log with one line per committed transaction. A transaction
 * carries the metadata of every instance it touched and only the history events it added, so an episode costs a
 * small append, not a rewrite. Lines carry a sequence number; replay skips lines already in the snapshot, so a crash
 * between writing a snapshot and emptying the journal loses nothing and applies nothing twice. A torn last line (the
 * process died mid-write) is ignored: that transaction never happened.
 */
import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent, Instance } from './model.js';

type InstanceMeta = Omit<Instance, 'history'>;

interface JournalLine {
  s: number;
  /** Touched instances: their metadata and the history events added by this transaction. */
  i?: { m: InstanceMeta; h?: HistoryEvent[] }[];
  /** Purged instance ids. */
  d?: string[];
}

export interface Change {
  instance: Instance;
  /** History events appended to `instance.history` in this transaction. */
  added?: HistoryEvent[];
}

const COMPACT_AT_BYTES = 32 * 1024 * 1024;
const SYNC_EVERY_MS = 50;

export class DurableStore {
  readonly instances = new Map<string, Instance>();
  private readonly dir: string;
  private journalFd: number | undefined;
  private seq = 0;
  private journalBytes = 0;
  private syncTimer: NodeJS.Timeout | undefined;

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
    this.compact();
  }

  private apply(line: JournalLine): void {
    for (const { m, h } of line.i ?? []) {
      const existing = this.instances.get(m.instanceId);
      const history = existing && existing.executionId === m.executionId ? existing.history : [];
      if (h) history.push(...h);
      this.instances.set(m.instanceId, { ...m, history });
    }
    for (const id of line.d ?? []) this.instances.delete(id);
  }

  /** Records a transaction. The line reaches the OS at once (it survives the process being killed) and the disk within ~50 ms. */
  commit(changes: Change[], purged: string[] = []): void {
    const line: JournalLine = { s: ++this.seq };
    if (changes.length > 0) {
      line.i = changes.map(({ instance, added }) => {
        const { history, ...meta } = instance;
        void history; // only the added events are written; a new execution id starts a fresh history on replay
        return added && added.length > 0 ? { m: meta, h: added } : { m: meta };
      });
    }
    if (purged.length > 0) line.d = purged;
    for (const change of changes) this.instances.set(change.instance.instanceId, change.instance);
    for (const id of purged) this.instances.delete(id);
    this.append(`${JSON.stringify(line)}\n`);
  }

  private append(text: string): void {
    if (this.journalFd === undefined) this.journalFd = openSync(join(this.dir, 'journal.jsonl'), 'a');
    const buffer = Buffer.from(text, 'utf8');
    writeSync(this.journalFd, buffer);
    this.journalBytes += buffer.length;
    this.syncTimer ??= setTimeout(() => this.sync(), SYNC_EVERY_MS);
    if (this.journalBytes > COMPACT_AT_BYTES) this.compact();
  }

  /** Flushes the journal to disk. */
  sync(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.journalFd !== undefined) fdatasyncSync(this.journalFd);
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
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    this.journalFd = openSync(join(this.dir, 'journal.jsonl'), 'w');
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
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    this.journalFd = undefined;
  }
}
