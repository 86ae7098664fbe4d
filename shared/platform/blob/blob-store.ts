import type { ContainerClient } from '@azure/storage-blob';
import type { Settings } from '../config';

/**
 * Tenant documents, agent outputs, data snapshots and exports. Every path lives under `tenants/<tenantId>/`,
 * so a tenant's blobs can be listed, exported and erased by prefix.
 */
export interface BlobStore {
  put(tenantId: string, path: string, content: string | Uint8Array, contentType: string): Promise<void>;
  /** The blob's bytes, or undefined when it does not exist. */
  get(tenantId: string, path: string): Promise<Buffer | undefined>;
  list(tenantId: string, prefix?: string): Promise<{ path: string; size: number; contentType?: string }[]>;
  delete(tenantId: string, path: string): Promise<void>;
  /** Removes every blob of the tenant; returns how many. */
  deleteAllOfTenant(tenantId: string): Promise<number>;
  ping(): Promise<void>;
}

const tenantPrefix = (tenantId: string) => `tenants/${tenantId}/`;

function safePath(path: string): string {
  if (!path || path.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new Error(`invalid blob path: ${path}`);
  }
  return path;
}

export function createBlobStore(settings: Settings): BlobStore {
  let ready: Promise<ContainerClient> | undefined;
  const container = () =>
    (ready ??= (async () => {
      const { BlobServiceClient } = await import('@azure/storage-blob');
      let service;
      if (settings.BLOB_CONNECTION_STRING) {
        service = BlobServiceClient.fromConnectionString(settings.BLOB_CONNECTION_STRING);
      } else if (settings.BLOB_ENDPOINT) {
        const { ManagedIdentityCredential, DefaultAzureCredential } = await import('@azure/identity');
        const credential = settings.AZURE_CLIENT_ID
          ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID })
          : new DefaultAzureCredential();
        service = new BlobServiceClient(settings.BLOB_ENDPOINT, credential);
      } else {
        throw new Error('Set BLOB_ENDPOINT (Azure) or BLOB_CONNECTION_STRING (local)');
      }
      const client = service.getContainerClient(settings.BLOB_CONTAINER);
      if (settings.APP_ENV === 'local') await client.createIfNotExists();
      return client;
    })().catch((err) => {
      ready = undefined;
      throw err;
    }));

  return {
    async put(tenantId, path, content, contentType) {
      const blob = (await container()).getBlockBlobClient(tenantPrefix(tenantId) + safePath(path));
      const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      await blob.uploadData(data, { blobHTTPHeaders: { blobContentType: contentType } });
    },
    async get(tenantId, path) {
      const blob = (await container()).getBlockBlobClient(tenantPrefix(tenantId) + safePath(path));
      try {
        return await blob.downloadToBuffer();
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    async list(tenantId, prefix = '') {
      const client = await container();
      const out: { path: string; size: number; contentType?: string }[] = [];
      const base = tenantPrefix(tenantId);
      for await (const item of client.listBlobsFlat({ prefix: base + prefix })) {
        out.push({
          path: item.name.slice(base.length),
          size: item.properties.contentLength ?? 0,
          contentType: item.properties.contentType,
        });
      }
      return out;
    },
    async delete(tenantId, path) {
      await (await container()).getBlockBlobClient(tenantPrefix(tenantId) + safePath(path)).deleteIfExists();
    },
    async deleteAllOfTenant(tenantId) {
      const client = await container();
      let removed = 0;
      for await (const item of client.listBlobsFlat({ prefix: tenantPrefix(tenantId) })) {
        await client.getBlockBlobClient(item.name).deleteIfExists();
        removed++;
      }
      return removed;
    },
    async ping() {
      await (await container()).getProperties();
    },
  };
}
