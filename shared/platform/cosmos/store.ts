import type { Container, CosmosClient } from '@azure/cosmos';
import type { Settings } from '../config';
import { createCursorSeal, type CursorSeal } from '../http/paging';
import { CONTAINERS, type ContainerDef, type ContainerName } from './containers';

/** Access to the app's Cosmos containers. The SDK is loaded on first use to keep cold start low. */
export interface CosmosStore {
  container(name: ContainerName): Promise<Container>;
  /** Round trip to the account; used by the health check. */
  ping(): Promise<void>;
  /** Turns continuation tokens into the signed cursors clients see (and back). */
  readonly cursors: CursorSeal;
}

async function createClient(settings: Settings): Promise<CosmosClient> {
  const { CosmosClient } = await import('@azure/cosmos');
  const connectionPolicy = { enableEndpointDiscovery: settings.APP_ENV === 'azure' };
  if (settings.COSMOS_KEY) {
    const agent = settings.COSMOS_TLS_INSECURE
      ? new (await import('node:https')).Agent({ rejectUnauthorized: false, keepAlive: true })
      : undefined;
    return new CosmosClient({ endpoint: settings.COSMOS_ENDPOINT, key: settings.COSMOS_KEY, agent, connectionPolicy });
  }
  const { ManagedIdentityCredential, DefaultAzureCredential } = await import('@azure/identity');
  const aadCredentials = settings.AZURE_CLIENT_ID
    ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID })
    : new DefaultAzureCredential();
  return new CosmosClient({ endpoint: settings.COSMOS_ENDPOINT, aadCredentials, connectionPolicy });
}

function containerDefinition(def: ContainerDef) {
  return {
    id: def.name,
    partitionKey: { paths: [def.partitionKey] },
    ...(def.defaultTtl !== undefined ? { defaultTtl: def.defaultTtl } : {}),
    indexingPolicy: {
      indexingMode: 'consistent' as const,
      automatic: true,
      includedPaths: [{ path: '/*' }],
      excludedPaths: [{ path: '/"_etag"/?' }, ...(def.excludedPaths ?? []).map((path) => ({ path }))],
      ...(def.compositeIndexes ? { compositeIndexes: def.compositeIndexes } : {}),
    },
  };
}

/** Thrown when code tries to read a tenant container across partitions. */
export class CrossPartitionQueryError extends Error {
  constructor(container: string, method: string) {
    super(`${method} on the tenant container "${container}" must name the tenant's partition key`);
    this.name = 'CrossPartitionQueryError';
  }
}

const hasPartitionKey = (options: unknown) => {
  const key = (options as { partitionKey?: unknown } | undefined)?.partitionKey;
  return typeof key === 'string'
    ? key.trim() !== ''
    : Array.isArray(key)
      ? key.length > 0 && key.every((k) => typeof k === 'string' && k !== '')
      : false;
};

/**
 * Drops documents of other partitions from a query's pages. Azure never returns them once the partition key is
 * named; the local Cosmos-API server ignores the option, and this keeps local behaviour the same as Azure's.
 */
function onlyPartition<I extends object>(iterator: I, tenantId: unknown): I {
  const keep = (r: unknown) =>
    r === null || typeof r !== 'object' || !('tenantId' in r) || (r as { tenantId: unknown }).tenantId === tenantId;
  return new Proxy(iterator, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'fetchNext' || prop === 'fetchAll') {
        return async (...args: unknown[]) => {
          const response = await (value as (...a: unknown[]) => Promise<{ resources: unknown[] }>).apply(target, args);
          if (Array.isArray(response.resources))
            Object.assign(response, { resources: response.resources.filter(keep) });
          return response;
        };
      }
      if (prop === 'getAsyncIterator') {
        return async function* () {
          for await (const response of (value as () => AsyncIterable<{ resources: unknown[] }>).call(target)) {
            if (Array.isArray(response.resources))
              Object.assign(response, { resources: response.resources.filter(keep) });
            yield response;
          }
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A tenant container whose queries and scans must name a partition key: a query over every tenant's data cannot
 * be issued through the app, whatever the calling code does.
 */
function guardTenantContainer(container: Container, name: string): Container {
  let items: Container['items'] | undefined;
  const guardItems = (real: Container['items']) =>
    new Proxy(real, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === 'query' || prop === 'readAll') {
          return (...args: unknown[]) => {
            const options = prop === 'query' ? args[1] : args[0];
            if (!hasPartitionKey(options)) throw new CrossPartitionQueryError(name, `items.${String(prop)}`);
            const key = (options as { partitionKey: unknown }).partitionKey;
            return onlyPartition(
              (value as (...a: unknown[]) => object).apply(target, args),
              Array.isArray(key) ? key[0] : key,
            );
          };
        }
        if (prop === 'changeFeed' || prop === 'getChangeFeedIterator' || prop === 'readChangeFeed') {
          return () => {
            throw new CrossPartitionQueryError(name, `items.${String(prop)}`);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(container, {
    get(target, prop) {
      if (prop === 'items') return (items ??= guardItems(target.items));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * @param cursorKey secret bytes (32 or more) that sign list cursors; the same on every instance. Read on first use.
 */
export function createCosmosStore(settings: Settings, cursorKey: () => Buffer): CosmosStore {
  let ready: Promise<{ client: CosmosClient; containers: Map<ContainerName, Container> }> | undefined;

  const init = () =>
    (ready ??= (async () => {
      const client = await createClient(settings);
      const database = settings.COSMOS_CREATE_CONTAINERS
        ? (await client.databases.createIfNotExists({ id: settings.COSMOS_DATABASE })).database
        : client.database(settings.COSMOS_DATABASE);
      const containers = new Map<ContainerName, Container>();
      for (const key of Object.keys(CONTAINERS) as ContainerName[]) {
        const def: ContainerDef = CONTAINERS[key];
        const container = settings.COSMOS_CREATE_CONTAINERS
          ? (await database.containers.createIfNotExists(containerDefinition(def))).container
          : database.container(def.name);
        containers.set(key, def.partitionKey === '/tenantId' ? guardTenantContainer(container, def.name) : container);
      }
      return { client, containers };
    })().catch((err) => {
      ready = undefined; // let the next call try again (the store may still be starting)
      throw err;
    }));

  let key: Buffer | undefined;
  const cursors = createCursorSeal(() => (key ??= cursorKey()));

  return {
    cursors,
    async container(name) {
      return (await init()).containers.get(name)!;
    },
    async ping() {
      const { client } = await init();
      await client.database(settings.COSMOS_DATABASE).read();
    },
  };
}
