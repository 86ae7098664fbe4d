/**
 * Every Cosmos container the app uses. Local mode creates them at start-up from this list; bicep/ creates the same
 * ones in Azure (a test checks the two agree). Tenant containers are partitioned by /tenantId.
 * `defaultTtl: -1` turns TTL on without a default, so documents can carry their own `ttl` (retention).
 */
export interface ContainerDef {
  name: string;
  partitionKey: '/tenantId' | '/pk';
  defaultTtl?: number;
  /** Paths to exclude from indexing (large text we never filter on). */
  excludedPaths?: string[];
  /** Composite indexes for ORDER BY over two fields. */
  compositeIndexes?: { path: string; order: 'ascending' | 'descending' }[][];
}

export const CONTAINERS = {
  /** Personal tenants and their profiles (one document per tenant, id = tenantId). */
  tenants: { name: 'tenants', partitionKey: '/tenantId' },
  /** Usage meters per tenant and period. */
  usage: { name: 'usage', partitionKey: '/tenantId', defaultTtl: -1 },
  /** Append-only audit trail. */
  audit: { name: 'audit', partitionKey: '/tenantId', defaultTtl: -1, excludedPaths: ['/before/*', '/after/*'] },
  agents: { name: 'agents', partitionKey: '/tenantId' },
  packs: { name: 'packs', partitionKey: '/tenantId' },
  workflows: { name: 'workflows', partitionKey: '/tenantId' },
  runs: { name: 'runs', partitionKey: '/tenantId', defaultTtl: -1, excludedPaths: ['/steps/[]/output/*'] },
  suggestions: {
    name: 'suggestions',
    partitionKey: '/tenantId',
    defaultTtl: -1,
    excludedPaths: ['/payload/*', '/preview/*'],
  },
  connectors: { name: 'connectors', partitionKey: '/tenantId' },
  snapshots: { name: 'snapshots', partitionKey: '/tenantId', defaultTtl: -1 },
  /** Dashboard rollups kept by event consumers. */
  analytics: { name: 'analytics', partitionKey: '/tenantId', defaultTtl: -1 },
  /** Personal access tokens (their keyed hashes, never the tokens); expired ones are reclaimed a while after expiry. */
  apiTokens: { name: 'apiTokens', partitionKey: '/tenantId', defaultTtl: -1 },
  webhooks: { name: 'webhooks', partitionKey: '/tenantId' },
  /** One document per webhook delivery (its attempts), kept 30 days. */
  webhookDeliveries: { name: 'webhookDeliveries', partitionKey: '/tenantId', defaultTtl: -1 },
  /**
   * Event triggers' per-tenant state: each target's coalescing state and last trigger, each agent's watermarks per
   * connected account and source, each account's refused positions.
   */
  eventState: { name: 'eventState', partitionKey: '/tenantId' },
  /** Data exports asked for (one document each, reclaimed after they expire) and the one in flight. */
  exports: { name: 'exports', partitionKey: '/tenantId', defaultTtl: -1 },
  /**
   * System-wide documents that are not a tenant's data path: schedule index (due-time lookups), processed
   * message ids for idempotent consumers, single-use token markers. Partitioned by a synthetic /pk.
   */
  system: { name: 'system', partitionKey: '/pk', defaultTtl: -1 },
} satisfies Record<string, ContainerDef>;

export type ContainerName = keyof typeof CONTAINERS;
