import type { Container, CosmosClient } from '@azure/cosmos';
import type { Settings } from '../config';
import { CONTAINERS, type ContainerDef, type ContainerName } from './containers';

/** Access to the app's Cosmos containers. The SDK is loaded on first use to keep cold start low. */
export interface CosmosStore {
  container(name: ContainerName): Promise<Container>;
  /** Round trip to the account; used by the health check. */
  ping(): Promise<void>;
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

export function createCosmosStore(settings: Settings): CosmosStore {
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
        containers.set(
          key,
          settings.COSMOS_CREATE_CONTAINERS
            ? (await database.containers.createIfNotExists(containerDefinition(def))).container
            : database.container(def.name),
        );
      }
      return { client, containers };
    })().catch((err) => {
      ready = undefined; // let the next call try again (the store may still be starting)
      throw err;
    }));

  return {
    async container(name) {
      return (await init()).containers.get(name)!;
    },
    async ping() {
      const { client } = await init();
      await client.database(settings.COSMOS_DATABASE).read();
    },
  };
}
