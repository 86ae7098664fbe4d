import type { Settings } from '../platform/config';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import type { BlobStore } from '../platform/blob/blob-store';
import type { AuditLog } from '../platform/audit/audit-log';
import type { EventPublisher } from '../platform/events/publisher';
import { createConnectorService as createService, type ConnectorService } from './connector-service';
import type { ConnectorCount } from './connector-count';
import { createConnectorHub } from './hub';
import { createSnapshotStore } from './snapshots/snapshot-store';
import { createKeySource } from './tokens/key-source';
import { createTokenCipher } from './tokens/token-cipher';
import type { ConnectorHub, FamilyNeed, SnapshotStore } from './types';

export interface ConnectorDeps {
  settings: Settings;
  clock: Clock;
  cosmos: () => CosmosStore;
  blobs: () => BlobStore;
  audit: () => AuditLog;
  events: () => EventPublisher;
  /** What the tenant's installed agents read and write, when the catalog can say. */
  installedNeeds?: (tenantId: string) => Promise<FamilyNeed[]>;
  count?: ConnectorCount;
}

/** The connectors context: the service behind the API, the hub other contexts use, and the snapshot store. */
export function createConnectorService(deps: ConnectorDeps): ConnectorService {
  return createService({
    settings: deps.settings,
    clock: deps.clock,
    store: deps.cosmos(),
    cipher: createTokenCipher(createKeySource(deps.settings)),
    audit: deps.audit,
    events: deps.events,
    installedNeeds: deps.installedNeeds,
    count: deps.count,
  });
}

export function createConnectors(deps: ConnectorDeps, service: ConnectorService): ConnectorHub {
  return createConnectorHub({ settings: deps.settings, service, store: deps.cosmos() });
}

export function createSnapshots(deps: ConnectorDeps): SnapshotStore {
  return createSnapshotStore({
    store: deps.cosmos(),
    blobs: deps.blobs,
    clock: deps.clock,
    retentionDays: deps.settings.SNAPSHOT_RETENTION_DAYS,
  });
}

export type { ConnectorService };
