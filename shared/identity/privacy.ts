import { randomUUID } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
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

export interface ErasureReport {
  deletionId: string;
  documents: Record<string, number>;
  blobs: number;
  orchestrations: number;
  failures: string[];
}

export interface PrivacyService {
  /** Erases everything; with `ifMatch` (the profile's ETag) only if the profile is still that version, else 412. */
  eraseTenant(tenantId: string, ctx: PrivacyContext, ifMatch?: string): Promise<ErasureReport>;
}

export interface PrivacyDeps {
  cosmos: () => CosmosStore;
  blobs: () => BlobStore;
  clock: Clock;
  /** Every context's participant, in the order they run. */
  participants: () => readonly PrivacyParticipant[];
}

export function createPrivacyService(deps: PrivacyDeps): PrivacyService {
  const repo = (name: ContainerName) => createTenantRepository<TenantDoc>(deps.cosmos(), name, name);

  const service: PrivacyService = {
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
