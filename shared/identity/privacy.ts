import { randomUUID } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import type { Services } from '../app/services';
import { CONTAINERS, type ContainerName } from '../platform/cosmos/containers';
import { TenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';

/** What export and erasure hand to each participant. */
export interface PrivacyContext {
  services: Services;
  /** The Durable client, to find, terminate and purge the tenant's orchestrations. */
  durable?: DurableClient;
  correlationId?: string;
}

/**
 * A context's share of export and erasure. The defaults already export and erase every `/tenantId` container and
 * the tenant's blobs; a participant adds what they cannot know: provider tokens to revoke, entries in the
 * `system` container, orchestration instances, fields that must never leave (`exportOmit`).
 */
export interface PrivacyParticipant {
  /** Unique name, also the key of its section in the export. */
  name: string;
  /** Extra data for the export document (must contain no secrets). */
  export?(tenantId: string, ctx: PrivacyContext): Promise<unknown>;
  /** Removes what the defaults would miss. Runs before the tenant's documents are deleted, so it can still read them. */
  erase(tenantId: string, ctx: PrivacyContext): Promise<void>;
  /** Top-level fields left out of the export, per container (e.g. a connector's encrypted tokens). */
  exportOmit?: Partial<Record<ContainerName, string[]>>;
}

const participants = new Map<string, PrivacyParticipant>();

/** Registers a context's export/erasure hooks; call at module load, next to the context's function registrations. */
export function registerPrivacyParticipant(participant: PrivacyParticipant): void {
  participants.set(participant.name, participant);
}

export function listPrivacyParticipants(): readonly PrivacyParticipant[] {
  return [...participants.values()];
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
export const EXPORTS_PREFIX = 'exports/';

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

export interface PrivacyService {
  exportTenant(tenantId: string, ctx: Omit<PrivacyContext, 'services'>): Promise<TenantExport>;
  eraseTenant(tenantId: string, ctx: Omit<PrivacyContext, 'services'>): Promise<ErasureReport>;
}

function instanceBelongsTo(instanceId: string, tenantId: string): boolean {
  return instanceId.split(':').includes(tenantId);
}

export function createPrivacyService(services: Services): PrivacyService {
  const repo = (name: ContainerName) => new TenantRepository<TenantDoc>(services.cosmos(), name, name);

  async function eraseOrchestrations(
    tenantId: string,
    durable: DurableClient | undefined,
    createdFrom: Date,
  ): Promise<number> {
    if (!durable) return 0;
    const instances = await durable.getStatusBy({
      createdTimeFrom: createdFrom,
      createdTimeTo: new Date(Date.now() + 60_000),
    });
    let purged = 0;
    for (const instance of instances) {
      if (!instance.instanceId || !instanceBelongsTo(instance.instanceId, tenantId)) continue;
      if (['Running', 'Pending', 'Suspended'].includes(String(instance.runtimeStatus))) {
        await durable.terminate(instance.instanceId, 'The person deleted their account').catch(() => undefined);
      }
      await durable.purgeInstanceHistory(instance.instanceId);
      purged++;
    }
    return purged;
  }

  return {
    async exportTenant(tenantId, ctx) {
      const full: PrivacyContext = { ...ctx, services };
      const omit = new Map<ContainerName, Set<string>>();
      for (const p of participants.values()) {
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
      for (const blob of await services.blobs().list(tenantId)) {
        if (blob.path.startsWith(EXPORTS_PREFIX)) continue;
        const entry: TenantExport['blobs'][number] = {
          path: blob.path,
          size: blob.size,
          contentType: blob.contentType,
        };
        if (blob.size <= EMBED_BLOB_BYTES)
          entry.base64 = (await services.blobs().get(tenantId, blob.path))?.toString('base64');
        blobs.push(entry);
      }
      const sections: Record<string, unknown> = {};
      for (const p of participants.values()) {
        if (p.export) sections[p.name] = scrub(await p.export(tenantId, full));
      }
      return {
        format: 'personal-agents-export/1',
        exportedAt: services.clock.now().toISOString(),
        tenantId,
        containers,
        blobs,
        participants: sections,
      };
    },

    async eraseTenant(tenantId, ctx) {
      const full: PrivacyContext = { ...ctx, services };
      const failures: string[] = [];
      const profile = await repo('tenants').get(tenantId, tenantId);
      const createdFrom = new Date(
        Date.parse((profile as { createdAt?: string } | undefined)?.createdAt ?? '') - 86_400_000 || 0,
      );
      // Participants first: revoking provider tokens needs the stored connector documents.
      for (const p of participants.values()) {
        try {
          await p.erase(tenantId, full);
        } catch (err) {
          failures.push(`${p.name}: ${(err as Error).message}`);
        }
      }
      let orchestrations = 0;
      try {
        orchestrations = await eraseOrchestrations(tenantId, ctx.durable, createdFrom);
      } catch (err) {
        failures.push(`orchestrations: ${(err as Error).message}`);
      }
      const documents: Record<string, number> = {};
      // Two passes: anything written by work that was still finishing during the first pass goes in the second.
      for (let pass = 0; pass < 2; pass++) {
        for (const name of TENANT_CONTAINERS) {
          documents[name] = (documents[name] ?? 0) + (await repo(name).deleteAllOfTenant(tenantId));
        }
      }
      const blobs = await services.blobs().deleteAllOfTenant(tenantId);
      const deletionId = randomUUID();
      // The only trace left: when, and how much was removed. Nothing that identifies the person.
      const system = await services.cosmos().container('system');
      await system.items.create({
        id: `deletion:${deletionId}`,
        pk: 'deletions',
        kind: 'tenant-deletion',
        deletedAt: services.clock.now().toISOString(),
        documents,
        blobs,
        orchestrations,
        failures: failures.length,
        correlationId: ctx.correlationId,
      });
      return { deletionId, documents, blobs, orchestrations, failures };
    },
  };
}
