import type { TenantRepository } from '../platform/cosmos/tenant-repository';
import type { ConnectorRecord } from './connector-record';

/** The plan's count of connected accounts, as the usage service keeps it (reserve-then-settle). */
export interface ConnectorCount {
  /** Runs `save` holding a slot, kept only if it created the connector; LimitExceededError (nothing saved) when full. */
  add<R extends { created: boolean }>(tenantId: string, connectorId: string, save: () => Promise<R>): Promise<R>;
  /** Gives a disconnected account's slot back. */
  remove(tenantId: string): Promise<void>;
}

/**
 * Saves a connector: a new account is counted as it is written, so however many connects race the plan is never
 * passed (LimitExceededError, nothing saved); a reconnect, or a connect that lost the race for the same account,
 * replaces the record and is not counted again.
 */
export async function saveConnector(
  repo: TenantRepository<ConnectorRecord>,
  record: ConnectorRecord,
  isNew: boolean,
  count: ConnectorCount | undefined,
): Promise<void> {
  const create = async () => ({ created: (await repo.createIfAbsent(record)).created });
  const added = isNew ? await (count?.add(record.tenantId, record.id, create) ?? create()) : { created: false };
  if (!added.created) await repo.upsert(record);
}
