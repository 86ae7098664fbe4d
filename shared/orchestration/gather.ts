import type { AgentDocument, AgentInput, AgentMail, AgentTemplate, AgentThread, InputNeeds } from '../catalog/types';
import type {
  CalendarEvent,
  ConnectorFamily,
  ConnectorHub,
  ProviderPage,
  SnapshotRef,
  SnapshotStore,
} from '../connectors/types';
import { ConflictError } from '../platform/errors';
import { mapLimited } from '../platform/pool';
import { scrubDeep } from '../platform/secret-shapes';
import type { StagedWatermark, WatermarkSource, Watermarks } from '../events/watermarks';
import { fingerprinted, readNewMail, type IncrementalRead } from './gather-incremental';

/** What the step reads; everything but `previous`, `config`, `now` and `timezone`. */
export type GatheredData = Pick<AgentInput, 'mail' | 'threads' | 'events' | 'documents' | 'account'>;

export interface Gathered {
  data: GatheredData;
  connectors: Partial<Record<ConnectorFamily, string>>;
  snapshots: SnapshotRef[];
  /** Where the agent's watermarks get to when the run completes (empty when read back from snapshots). */
  staged: StagedWatermark[];
  /** Every source read was unchanged since the agent's watermarks: the step has nothing to do. */
  nothingNew: boolean;
  /** Saved positions the provider refused (the full window was read instead). */
  fellBack: { connectorId: string; source: WatermarkSource; reason: string }[];
}

/** The agent whose watermarks the reading starts from. */
export interface GatherIncremental {
  agentId: string;
  watermarks: () => Pick<Watermarks, 'get'>;
}

export interface GatherDeps {
  connectors: () => ConnectorHub;
  snapshots: () => SnapshotStore;
  /** The address the platform's own notification emails come from: those are never gathered. */
  platformSender?: string;
}

const SOURCES = {
  mail: 'mail.listMessages',
  threads: 'mail.listThreads',
  calendar: 'calendar.listEvents',
  files: 'files.readText',
} as const;

async function collect<T>(
  max: number,
  page: (limit: number, cursor?: string) => Promise<ProviderPage<T>>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(Math.min(100, max - out.length), cursor);
    out.push(...result.items);
    cursor = result.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out.slice(0, max);
}

/**
 * What a model and a snapshot may see: not the platform's own notification emails (they hold live approval links),
 * and no text shaped like a platform secret in anything else.
 */
function withoutPlatformMail<T extends { from: { email: string } }>(messages: T[], sender?: string): T[] {
  const ours = sender?.toLowerCase();
  return scrubDeep(ours ? messages.filter((m) => m.from.email.toLowerCase() !== ours) : messages);
}

function familiesOf(needs: InputNeeds): ConnectorFamily[] {
  const families = new Set<ConnectorFamily>();
  if (needs.mail || needs.threads) families.add('mail');
  if (needs.calendar) families.add('calendar');
  if (needs.files) families.add('files');
  return [...families];
}

/**
 * Reads what a template needs from the tenant's connectors and freezes it as snapshots. When `existing` snapshots are
 * given (a retried step), they are read back instead, so a step never reads its providers twice.
 *
 * Reading is incremental: mail is read from the agent's watermark (only what is new; the look-back window on the
 * first run), calendar windows, documents and threads are compared with the fingerprint of the last completed run.
 */
export async function gatherInput(
  deps: GatherDeps,
  tenantId: string,
  template: AgentTemplate,
  config: unknown,
  asOf: Date,
  existing: SnapshotRef[],
  incremental: GatherIncremental,
): Promise<Gathered> {
  const data: GatheredData = { mail: [], threads: [], events: [], documents: [] };
  const connectors: Partial<Record<ConnectorFamily, string>> = {};
  const staged: StagedWatermark[] = [];
  const fellBack: Gathered['fellBack'] = [];
  const unchanged: boolean[] = [];
  const done = (snapshots: SnapshotRef[], nothingNew = false): Gathered => ({
    data,
    connectors,
    snapshots,
    staged,
    nothingNew,
    fellBack,
  });
  if (template.coordinator) return done([]);

  if (existing.length > 0) {
    for (const ref of existing) {
      const snapshot = await deps.snapshots().read<unknown>(tenantId, ref.snapshotId);
      const family: ConnectorFamily = snapshot.source.startsWith('mail')
        ? 'mail'
        : snapshot.source.startsWith('calendar')
          ? 'calendar'
          : 'files';
      connectors[family] = snapshot.connectorId;
      if (snapshot.source === SOURCES.mail) {
        const frozen = snapshot.data as { account?: string; items: AgentMail[] };
        data.mail = frozen.items;
        data.account = frozen.account;
      } else if (snapshot.source === SOURCES.threads) {
        const frozen = snapshot.data as { account?: string; items: AgentThread[] };
        data.threads = frozen.items;
        data.account = frozen.account;
      } else if (snapshot.source === SOURCES.calendar) data.events = snapshot.data as CalendarEvent[];
      else if (snapshot.source === SOURCES.files) data.documents = snapshot.data as AgentDocument[];
    }
    return done(existing);
  }

  const needs = template.needs(config);
  const hub = deps.connectors();
  for (const family of familiesOf(needs)) {
    const found = await hub.find(tenantId, family);
    const required = template.families.find((f) => f.family === family)?.required ?? false;
    if (!found && required) {
      throw new ConflictError(`Connect an account with ${family} access to run ${template.name}.`, { family });
    }
    if (found) connectors[family] = found.id;
  }

  const snapshots: SnapshotRef[] = [];
  const capture = async (family: ConnectorFamily, source: string, query: Record<string, unknown>, value: unknown) => {
    snapshots.push(
      await deps.snapshots().capture(tenantId, { connectorId: connectors[family]!, source, query }, value),
    );
  };
  const since = (hours: number) => new Date(asOf.getTime() - hours * 3_600_000).toISOString();
  const markOf = (family: ConnectorFamily, source: WatermarkSource) =>
    incremental.watermarks().get(tenantId, incremental.agentId, connectors[family]!, source);
  const track = async <T>(
    family: ConnectorFamily,
    source: WatermarkSource,
    read: (mark: Awaited<ReturnType<typeof markOf>>) => Promise<IncrementalRead<T>>,
  ): Promise<T[]> => {
    const from = await markOf(family, source);
    const result = await read(from);
    staged.push({ agentId: incremental.agentId, connectorId: connectors[family]!, source, from, to: result.to });
    unchanged.push(!result.changed);
    if (result.fellBack) fellBack.push({ connectorId: connectors[family]!, source, reason: result.fellBack });
    return result.items;
  };

  if (connectors.mail) {
    const info = await hub.get(tenantId, connectors.mail);
    data.account = info.account;
    const mail = await hub.mail(tenantId, connectors.mail);
    if (needs.mail) {
      const query = {
        since: since(needs.mail.lookbackHours),
        label: needs.mail.label,
        max: needs.mail.max,
        withText: Boolean(needs.mail.withText),
      };
      const summaries = await track('mail', 'mail', (mark) =>
        readNewMail(mail, mark, { since: query.since, label: query.label, max: query.max }, (from) =>
          collect(needs.mail!.max, (limit, cursor) =>
            mail.listMessages({ since: from, label: query.label, limit, cursor }),
          ),
        ),
      );
      const kept = withoutPlatformMail(summaries, deps.platformSender);
      data.mail = needs.mail.withText
        ? await mapLimited(kept, 5, async (m) => ({ ...m, text: scrubDeep((await mail.getMessage(m.id)).text) }))
        : kept;
      await capture('mail', SOURCES.mail, query, { account: data.account, items: data.mail });
    }
    if (needs.threads) {
      const query = { since: since(needs.threads.lookbackHours), label: needs.threads.label, max: needs.threads.max };
      const threads = await track('mail', 'threads', async (mark) => {
        const read = await collect(needs.threads!.max, (limit, cursor) =>
          mail.listThreads({ since: query.since, label: query.label, limit, cursor }),
        );
        return fingerprinted(
          read,
          read.map((t) => `${t.id}|${t.messages.map((m) => m.id).join(',')}`),
          mark,
        );
      });
      data.threads = threads
        .map((t) => ({ ...scrubDeep(t), messages: withoutPlatformMail(t.messages, deps.platformSender) }))
        .filter((t) => t.messages.length > 0);
      await capture('mail', SOURCES.threads, query, { account: data.account, items: data.threads });
    }
  }
  if (connectors.calendar && needs.calendar) {
    const calendar = await hub.calendar(tenantId, connectors.calendar);
    const window = {
      from: asOf.toISOString(),
      to: new Date(asOf.getTime() + needs.calendar.hoursAhead * 3_600_000).toISOString(),
    };
    data.events = scrubDeep(
      await track('calendar', 'calendar', async (mark) => {
        const read = await collect(needs.calendar!.max, (limit, cursor) =>
          calendar.listEvents({ ...window, limit, cursor }),
        );
        return fingerprinted(
          read,
          read.map((e) => [e.id, e.start, e.end, e.title, e.location ?? ''].join('|')),
          mark,
        );
      }),
    );
    await capture('calendar', SOURCES.calendar, { ...window, max: needs.calendar.max }, data.events);
  }
  if (connectors.files && needs.files) {
    const files = await hub.files(tenantId, connectors.files);
    const ids = needs.files.ids.length
      ? needs.files.ids.slice(0, needs.files.max)
      : (await files.listFiles({ text: needs.files.text, limit: needs.files.max })).items
          .filter((f) => f.kind !== 'folder')
          .map((f) => f.id);
    data.documents = scrubDeep(
      await track('files', 'files', async (mark) => {
        const texts = await mapLimited(ids, 4, (id) => files.readText(id));
        const read = texts.flatMap((t) =>
          t.supported ? [{ id: t.file.id, name: t.file.name, modifiedAt: t.file.modifiedAt, text: t.text }] : [],
        );
        return fingerprinted(
          read,
          read.map((d) => `${d.id}|${d.modifiedAt}`),
          mark,
        );
      }),
    );
    await capture('files', SOURCES.files, { ids, text: needs.files.text ?? null }, data.documents);
  }
  return done(snapshots, unchanged.length > 0 && unchanged.every(Boolean));
}
