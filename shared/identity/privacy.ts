import { randomUUID } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { AuditLog } from '../platform/audit/audit-log';
import type { BlobStore } from '../platform/blob/blob-store';
import type { Clock } from '../platform/clock';
import { CONTAINERS, type ContainerName } from '../platform/cosmos/containers';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, assertIfMatch, type TenantDoc } from '../platform/cosmos/tenant-repository';
import { PreconditionFailedError } from '../platform/errors';

/** What export and erasure hand to each participant. */
export interface PrivacyContext {
  /** The Durable client, to find, terminate and purge the tenant's orchestrations. */
  durable?: DurableClient;
  correlationId?: string;
}

/**
 * A context's share of export and erasure, defined beside the context (e.g. shared/connectors/privacy.ts) and listed
 * in the composition root (shared/app/wiring/identity.ts). The defaults already export and erase every `/tenantId` container and
 * the tenant's blobs; a participant adds what they cannot know: provider tokens to revoke, entries in the
 * `system` container, orchestration instances, fields that must never leave (`exportOmit`).
 */
export interface PrivacyParticipant {
  /** Unique name, also the key of its section in the export. */
  name: string;
  /** Extra data for the export document (must contain no secrets). */
  export?(tenantId: string, ctx: PrivacyContext): Promise<unknown>;
  /**
   * Removes what the defaults would miss. Runs before the tenant's documents are deleted, so it can still read them:
   * orchestration instances are found from the tenant's own documents (their ids are derived from them), never by
   * listing the task hub. Answers how many instances it purged, if it purges any.
   */
  erase(tenantId: string, ctx: PrivacyContext): Promise<void | { orchestrations: number }>;
  /** Top-level fields left out of the export, per container (e.g. a connector's encrypted tokens). */
  exportOmit?: Partial<Record<ContainerName, string[]>>;
}

/** Every tenant-partitioned container: the ones export and erasure cover by default. */
export const TENANT_CONTAINERS = (Object.keys(CONTAINERS) as ContainerName[]).filter(
  (name) => CONTAINERS[name].partitionKey === '/tenantId',
);

/** Fields that look like credentials never leave in an export, whatever the container. */
const SECRET_FIELD =
  /(accessToken|refreshToken|idToken|encrypted|ciphertext|secret|password|apiKey|signingKey|codeVerifier)/i;

function scrub(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('_') || SECRET_FIELD.test(key)) continue;
    out[key] = scrub(v, depth + 1);
  }
  return out;
}

/** Blobs below this size are embedded (base64) in the export; larger ones are listed with their size. */
const EMBED_BLOB_BYTES = 256 * 1024;
/** Where finished exports are kept, under the tenant's blob prefix (not exported again). */
const EXPORTS_PREFIX = 'exports/';

export interface TenantExport {
  format: 'personal-agents-export/1';
  exportedAt: string;
  tenantId: string;
  containers: Record<string, unknown[]>;
  blobs: { path: string; size: number; contentType?: string; base64?: string }[];
  participants: Record<string, unknown>;
}

export interface ErasureReport {
  deletionId: string;
  documents: Record<string, number>;
  blobs: number;
  orchestrations: number;
  failures: string[];
}

/** An export as handed to the person: inline when small, otherwise stored for download under `exportId`. */
export interface DeliveredExport {
  json: string;
  size: number;
  exportId?: string;
}

export interface PrivacyService {
  exportTenant(tenantId: string, ctx: PrivacyContext): Promise<TenantExport>;
  /** Exports the tenant for its owner: inline when small, else stored (only the newest is kept). Audited. */
  deliverExport(tenantId: string, actor: Actor, ctx: PrivacyContext): Promise<DeliveredExport>;
  /** A stored export, or undefined. */
  readExport(tenantId: string, exportId: string): Promise<Buffer | undefined>;
  /** Erases everything; with `ifMatch` (the profile's ETag) only if the profile is still that version, else 412. */
  eraseTenant(tenantId: string, ctx: PrivacyContext, ifMatch?: string): Promise<ErasureReport>;
}

export interface PrivacyDeps {
  cosmos: () => CosmosStore;
  blobs: () => BlobStore;
  clock: Clock;
  audit: () => AuditLog;
  /** Every context's participant, in the order they run. */
  participants: () => readonly PrivacyParticipant[];
  /** Exports larger than this are stored for download instead of returned inline. */
  exportInlineMaxBytes: number;
}

export function createPrivacyService(deps: PrivacyDeps): PrivacyService {
  const repo = (name: ContainerName) => createTenantRepository<TenantDoc>(deps.cosmos(), name, name);
  const exportPath = (exportId: string) => `${EXPORTS_PREFIX}${exportId}.json`;

  const service: PrivacyService = {
    async exportTenant(tenantId, ctx) {
      const participants = deps.participants();
      const omit = new Map<ContainerName, Set<string>>();
      for (const p of participants) {
        for (const [name, fields] of Object.entries(p.exportOmit ?? {}) as [ContainerName, string[]][]) {
          const set = omit.get(name) ?? new Set<string>();
          fields.forEach((f) => set.add(f));
          omit.set(name, set);
        }
      }
      const containers: Record<string, unknown[]> = {};
      for (const name of TENANT_CONTAINERS) {
        const docs = await repo(name).queryAll(tenantId, 'SELECT * FROM c', [], 1_000_000);
        const drop = omit.get(name);
        containers[name] = docs.map((doc) => {
          const copy: Record<string, unknown> = { ...doc };
          drop?.forEach((f) => delete copy[f]);
          return scrub(copy);
        });
      }
      const blobs: TenantExport['blobs'] = [];
      for (const blob of await deps.blobs().list(tenantId)) {
        if (blob.path.startsWith(EXPORTS_PREFIX)) continue;
        const entry: TenantExport['blobs'][number] = {
          path: blob.path,
          size: blob.size,
          contentType: blob.contentType,
        };
        if (blob.size <= EMBED_BLOB_BYTES)
          entry.base64 = (await deps.blobs().get(tenantId, blob.path))?.toString('base64');
        blobs.push(entry);
      }
      const sections: Record<string, unknown> = {};
      for (const p of participants) {
        if (p.export) sections[p.name] = scrub(await p.export(tenantId, ctx));
      }
      return {
        format: 'personal-agents-export/1',
        exportedAt: deps.clock.now().toISOString(),
        tenantId,
        containers,
        blobs,
        participants: sections,
      };
    },

    async deliverExport(tenantId, actor, ctx) {
      const json = JSON.stringify(await service.exportTenant(tenantId, ctx));
      const size = Buffer.byteLength(json, 'utf8');
      const exportId = size > deps.exportInlineMaxBytes ? randomUUID() : undefined;
      if (exportId) {
        // Only the newest prepared export is kept.
        for (const old of await deps.blobs().list(tenantId, EXPORTS_PREFIX))
          await deps.blobs().delete(tenantId, old.path);
        await deps.blobs().put(tenantId, exportPath(exportId), json, 'application/json');
      }
      await deps.audit().record({
        tenantId,
        ...auditedAs(actor),
        action: 'tenant.exported',
        target: { type: 'tenant', id: tenantId },
        outcome: 'success',
        summary: exportId ? `Data export prepared for download (${size} bytes)` : `Data exported (${size} bytes)`,
      });
      return { json, size, exportId };
    },

    readExport(tenantId, exportId) {
      return deps.blobs().get(tenantId, exportPath(exportId));
    },

    async eraseTenant(tenantId, ctx, ifMatch) {
      const failures: string[] = [];
      const profile = await repo('tenants').get(tenantId, tenantId);
      if (ifMatch !== undefined) {
        if (!profile) throw new PreconditionFailedError();
        assertIfMatch(ifMatch, profile);
      }
      // Participants first: revoking provider tokens and finding orchestration instances need the stored documents.
      let orchestrations = 0;
      for (const p of deps.participants()) {
        try {
          orchestrations += (await p.erase(tenantId, ctx))?.orchestrations ?? 0;
        } catch (err) {
          failures.push(`${p.name}: ${(err as Error).message}`);
        }
      }
      const documents: Record<string, number> = {};
      // Two passes: anything written by work that was still finishing during the first pass goes in the second.
      for (let pass = 0; pass < 2; pass++) {
        for (const name of TENANT_CONTAINERS) {
          documents[name] = (documents[name] ?? 0) + (await repo(name).deleteAllOfTenant(tenantId));
        }
      }
      const blobs = await deps.blobs().deleteAllOfTenant(tenantId);
      const deletionId = randomUUID();
      // The only trace left: when, and how much was removed. Nothing that identifies the person.
      const system = await deps.cosmos().container('system');
      await system.items.create({
        id: `deletion:${deletionId}`,
        pk: 'deletions',
        kind: 'tenant-deletion',
        deletedAt: deps.clock.now().toISOString(),
        documents,
        blobs,
        orchestrations,
        failures: failures.length,
        correlationId: ctx.correlationId,
      });
      return { deletionId, documents, blobs, orchestrations, failures };
    },
  };
  return service;
}
