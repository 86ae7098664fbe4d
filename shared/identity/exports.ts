import { createHmac, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { AuditLog } from '../platform/audit/audit-log';
import type { BlobStore } from '../platform/blob/blob-store';
import type { Clock } from '../platform/clock';
import type { ContainerName } from '../platform/cosmos/containers';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import { ForbiddenError, NotFoundError, PreconditionFailedError } from '../platform/errors';
import { exportChunks, type ExportTally } from './export-writer';
import {
  EXPORT_SLOT_ID,
  toExportView,
  type ExportJob,
  type ExportRecord,
  type ExportSlot,
  type ExportView,
} from './export-model';
import { TENANT_CONTAINERS, type PrivacyContext, type PrivacyParticipant } from './privacy';

/** Where export files are kept, under the tenant's blob prefix (never exported again). */
const EXPORTS_PREFIX = 'exports/';
/** An export still `running` this long after it was asked for was lost (its work ended without a word): a new one may start. */
const LOST_AFTER_MS = 6 * 3_600_000;
/** Progress is saved at most this often while writing. */
const PROGRESS_EVERY_MS = 1_000;
/** The export's own records are not part of it. */
const EXPORTED_CONTAINERS = TENANT_CONTAINERS.filter((name) => name !== 'exports');

/** A download link that expired or was changed: the person gets a fresh one by opening the export again. */
const linkRefused = () => new ForbiddenError('This download link has expired. Open Settings and download again.');

/** Asynchronous data exports: asked for, written in the background as a stream, downloaded, expired. */
export interface ExportService {
  /**
   * Asks for an export. While one is being written it is that one (`started: false`): at most one in flight per
   * person. Otherwise records a new one and calls `start` with its job (the background work). Audited.
   */
  request(
    tenantId: string,
    actor: Actor,
    start: (job: ExportJob) => Promise<void>,
  ): Promise<{ view: ExportView; started: boolean }>;
  /** An export's status, with a short-lived download link when ready. Reads only. Missing, expired or another's: 404. */
  status(tenantId: string, exportId: string): Promise<ExportView>;
  /** Writes the export file as a stream and marks the export ready (the background activity). Safe to repeat. */
  write(job: ExportJob, ctx: PrivacyContext): Promise<ExportRecord['status'] | 'missing'>;
  /** Marks the export failed with a plain reason and removes any partial file. */
  fail(job: ExportJob & { reason: string }): Promise<void>;
  /** Deletes the file and the record once the export expired. */
  expire(job: ExportJob): Promise<void>;
  /** Checks a download link and answers where the file is (a short-lived storage link). Audited as downloaded. */
  download(exportId: string, token: string): Promise<string>;
  /** The tenant's exports (for erasure: their orchestrations are derived from them). */
  list(tenantId: string): Promise<ExportRecord[]>;
}

export interface ExportDeps {
  cosmos: () => CosmosStore;
  blobs: () => BlobStore;
  clock: Clock;
  audit: () => AuditLog;
  participants: () => readonly PrivacyParticipant[];
  /** Signs download links (32 bytes or more). */
  linkKey: () => Buffer;
  /** The app's public origin, for download links. */
  publicBaseUrl: string;
  /** How long a finished export is kept. */
  retentionHours: number;
  /** How long a download link works. */
  linkTtlSeconds: number;
}

export function createExportService(deps: ExportDeps): ExportService {
  const records = () => createTenantRepository<ExportRecord>(deps.cosmos(), 'exports', 'export');
  const slots = () => createTenantRepository<ExportSlot>(deps.cosmos(), 'exports', 'export');
  const filePath = (exportId: string) => `${EXPORTS_PREFIX}${exportId}.json`;
  const sign = (payload: string) => createHmac('sha256', deps.linkKey()).update(`export-download:${payload}`).digest();

  async function find(tenantId: string, exportId: string): Promise<ExportRecord | undefined> {
    if (exportId === EXPORT_SLOT_ID) return undefined;
    const record = await records().get(tenantId, exportId);
    if (!record || record.type !== 'export') return undefined;
    return deps.clock.now().toISOString() >= record.expiresAt ? undefined : record;
  }

  /** Frees the slot if it still holds this export. */
  async function release(tenantId: string, exportId: string): Promise<void> {
    const slot = await slots().get(tenantId, EXPORT_SLOT_ID);
    if (slot?.exportId !== exportId) return;
    await slots()
      .delete(tenantId, EXPORT_SLOT_ID, slot._etag)
      .catch((err) => {
        if (!(err instanceof NotFoundError || err instanceof PreconditionFailedError)) throw err;
      });
  }

  /** The export holding the slot, if it is still being written. */
  async function inFlight(slot: ExportSlot): Promise<ExportRecord | undefined> {
    const record = await find(slot.tenantId, slot.exportId);
    if (record?.status !== 'running') return undefined;
    return deps.clock.now().getTime() - Date.parse(record.createdAt) < LOST_AFTER_MS ? record : undefined;
  }

  function downloadLink(record: ExportRecord): ExportView['download'] {
    const expires = Math.min(deps.clock.now().getTime() + deps.linkTtlSeconds * 1000, Date.parse(record.expiresAt));
    const payload = `${record.tenantId}.${record.id}.${expires}`;
    const token = `${Buffer.from(payload).toString('base64url')}.${sign(payload).toString('base64url')}`;
    const base = deps.publicBaseUrl.replace(/\/$/, '');
    return {
      url: `${base}/api/me/exports/${encodeURIComponent(record.id)}/download?token=${token}`,
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /** The tenant and export a download token names, if it is genuine and unexpired. */
  function checkToken(exportId: string, token: string): string {
    const [body, mac] = token.split('.');
    if (!body || !mac || token.length > 1024) throw linkRefused();
    const payload = Buffer.from(body, 'base64url').toString('utf8');
    const given = Buffer.from(mac, 'base64url');
    const expected = sign(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw linkRefused();
    const [tenantId, id, expires] = payload.split('.');
    if (!tenantId || id !== exportId || !(Number(expires) > deps.clock.now().getTime())) throw linkRefused();
    return tenantId;
  }

  async function audit(
    tenantId: string,
    actor: Actor,
    action: string,
    exportId: string,
    summary: string,
    outcome: 'success' | 'failure' = 'success',
  ) {
    await deps.audit().record({
      tenantId,
      ...auditedAs(actor),
      action,
      target: { type: 'export', id: exportId },
      outcome,
      summary,
    });
  }
  const system = (correlationId?: string): Actor => ({
    actorId: 'export',
    actorType: 'system',
    source: 'system',
    correlationId,
  });

  async function fail(job: ExportJob & { reason: string }): Promise<void> {
    const { tenantId, exportId } = job;
    await deps.blobs().delete(tenantId, filePath(exportId));
    const record = await records().get(tenantId, exportId);
    if (record?.status === 'running') {
      await records().patch(tenantId, exportId, [
        { op: 'set', path: '/status', value: 'failed' },
        { op: 'set', path: '/finishedAt', value: deps.clock.now().toISOString() },
        { op: 'set', path: '/reason', value: job.reason },
      ]);
      await audit(tenantId, system(job.correlationId), 'tenant.export.failed', exportId, job.reason, 'failure');
    }
    await release(tenantId, exportId);
  }

  return {
    async request(tenantId, actor, start) {
      const existing = await slots().get(tenantId, EXPORT_SLOT_ID);
      const running = existing && (await inFlight(existing));
      if (running) return { view: toExportView(running), started: false };

      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + deps.retentionHours * 3_600_000);
      const record = await records().create({
        id: randomUUID(),
        tenantId,
        type: 'export',
        status: 'running',
        createdAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        written: 0,
        ttl: deps.retentionHours * 3600 + 86_400,
      });
      // Claim the slot: created if absent, or taken over from an export that is no longer in flight.
      const claim = { id: EXPORT_SLOT_ID, tenantId, type: 'export-slot' as const, exportId: record.id };
      let { doc: slot, created } = await slots().createIfAbsent(claim);
      while (!created) {
        const other = await inFlight(slot);
        if (other) {
          await records().delete(tenantId, record.id);
          return { view: toExportView(other), started: false };
        }
        try {
          await slots().replace(claim, slot._etag);
          created = true;
        } catch (err) {
          if (!(err instanceof PreconditionFailedError || err instanceof NotFoundError)) throw err;
          ({ doc: slot, created } = await slots().createIfAbsent(claim));
        }
      }
      await audit(tenantId, actor, 'tenant.export.requested', record.id, 'Data export requested');
      try {
        await start({ tenantId, exportId: record.id, expiresAt: record.expiresAt, correlationId: actor.correlationId });
      } catch (err) {
        await fail({
          tenantId,
          exportId: record.id,
          expiresAt: record.expiresAt,
          reason: 'The export could not be started. Please try again.',
        });
        throw err;
      }
      return { view: toExportView(record), started: true };
    },

    async status(tenantId, exportId) {
      const record = await find(tenantId, exportId);
      if (!record) throw new NotFoundError('export');
      return toExportView(record, record.status === 'ready' ? downloadLink(record) : undefined);
    },

    async write(job, ctx) {
      const { tenantId, exportId } = job;
      const record = await records().get(tenantId, exportId);
      if (!record) return 'missing';
      if (record.status !== 'running') return record.status;
      let total = 0;
      for (const name of EXPORTED_CONTAINERS)
        total += await createTenantRepository<TenantDoc>(deps.cosmos(), name, name).count(tenantId);
      await records().patch(tenantId, exportId, [{ op: 'set', path: '/total', value: total }]);

      let written = 0;
      let savedAt = deps.clock.now().getTime();
      const tally: ExportTally = { documents: {}, blobs: 0 };
      const chunks = exportChunks(
        {
          cosmos: deps.cosmos(),
          blobs: deps.blobs(),
          participants: deps.participants(),
          containers: EXPORTED_CONTAINERS as ContainerName[],
          skipBlobPrefix: EXPORTS_PREFIX,
        },
        tenantId,
        deps.clock.now().toISOString(),
        ctx,
        tally,
        async (documents) => {
          written += documents;
          if (deps.clock.now().getTime() - savedAt < PROGRESS_EVERY_MS) return;
          savedAt = deps.clock.now().getTime();
          await records().patch(tenantId, exportId, [{ op: 'set', path: '/written', value: written }]);
        },
      );
      const size = await deps
        .blobs()
        .putStream(tenantId, filePath(exportId), Readable.from(chunks), 'application/json');
      await records().patch(tenantId, exportId, [
        { op: 'set', path: '/status', value: 'ready' },
        { op: 'set', path: '/finishedAt', value: deps.clock.now().toISOString() },
        { op: 'set', path: '/written', value: written },
        { op: 'set', path: '/documents', value: tally.documents },
        { op: 'set', path: '/blobs', value: tally.blobs },
        { op: 'set', path: '/size', value: size },
      ]);
      await release(tenantId, exportId);
      await audit(
        tenantId,
        system(job.correlationId),
        'tenant.export.ready',
        exportId,
        `Data export ready (${size} bytes)`,
      );
      return 'ready';
    },

    fail,

    async expire(job) {
      const { tenantId, exportId } = job;
      await deps.blobs().delete(tenantId, filePath(exportId));
      await records()
        .delete(tenantId, exportId)
        .catch((err) => {
          if (!(err instanceof NotFoundError)) throw err;
        });
      await release(tenantId, exportId);
    },

    async download(exportId, token) {
      const tenantId = checkToken(exportId, token);
      const record = await find(tenantId, exportId);
      if (!record || record.status !== 'ready') throw new NotFoundError('export');
      const expiresOn = new Date(Math.min(deps.clock.now().getTime() + 5 * 60_000, Date.parse(record.expiresAt)));
      const stamp = record.createdAt.slice(0, 10);
      const url = await deps
        .blobs()
        .readLink(tenantId, filePath(exportId), { expiresOn, filename: `personal-agents-export-${stamp}.json` });
      await audit(
        tenantId,
        { actorId: tenantId, source: 'web' },
        'tenant.export.downloaded',
        exportId,
        'Data export downloaded',
      );
      return url;
    },

    list(tenantId) {
      return records().queryAll(tenantId, "SELECT * FROM c WHERE c.type = 'export'");
    },
  };
}

/**
 * Erasure of the tenant's export orchestrations: their instance ids are derived from the export records
 * (`export:<tenantId>:<exportId>`); the records and files themselves go with the tenant's documents and blobs.
 */
export function exportsPrivacy(exports: () => Pick<ExportService, 'list'>): PrivacyParticipant {
  return {
    name: 'exports',
    async erase(tenantId, ctx) {
      const durable = ctx.durable;
      if (!durable) return;
      let orchestrations = 0;
      for (const record of await exports().list(tenantId)) {
        const instanceId = exportInstanceId(tenantId, record.id);
        await durable.terminate(instanceId, 'The person deleted their account').catch(() => undefined);
        orchestrations += (await durable.purgeInstanceHistory(instanceId).catch(() => ({ instancesDeleted: 0 })))
          .instancesDeleted;
      }
      return { orchestrations };
    },
  };
}

/** The export's orchestration instance: deterministic, carrying the tenant (so erasure finds it). */
export function exportInstanceId(tenantId: string, exportId: string): string {
  return `export:${tenantId}:${exportId}`;
}
