import type { Readable } from 'node:stream';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { Settings } from '../config';

/**
 * Tenant documents, agent outputs, data snapshots and exports. Every path lives under `tenants/<tenantId>/`,
 * so a tenant's blobs can be listed, exported and erased by prefix.
 */
export interface BlobStore {
  put(tenantId: string, path: string, content: string | Uint8Array, contentType: string): Promise<void>;
  /**
   * Writes the blob from a stream in blocks (a few MB held at a time, whatever the blob's size). Answers its size.
   */
  putStream(tenantId: string, path: string, content: Readable, contentType: string): Promise<number>;
  /**
   * A read-only link to one blob valid until `expiresOn`, served with `filename` as an attachment: a user delegation
   * SAS with managed identity, a service SAS with the account key of a connection string (Azurite).
   */
  readLink(tenantId: string, path: string, opts: { expiresOn: Date; filename: string }): Promise<string>;
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

/** Blocks of the streamed upload, and how many are in flight: what an upload holds in memory at most. */
const STREAM_BLOCK_BYTES = 4 * 1024 * 1024;
const STREAM_CONCURRENCY = 2;

export function createBlobStore(settings: Settings): BlobStore {
  let ready: Promise<ContainerClient> | undefined;
  let serviceClient: BlobServiceClient | undefined;
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
      serviceClient = service;
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
    async putStream(tenantId, path, content, contentType) {
      const blob = (await container()).getBlockBlobClient(tenantPrefix(tenantId) + safePath(path));
      let size = 0;
      content.on('data', (chunk: Buffer) => (size += chunk.length));
      await blob.uploadStream(content, STREAM_BLOCK_BYTES, STREAM_CONCURRENCY, {
        blobHTTPHeaders: { blobContentType: contentType },
      });
      return size;
    },
    async readLink(tenantId, path, { expiresOn, filename }) {
      const blob = (await container()).getBlockBlobClient(tenantPrefix(tenantId) + safePath(path));
      const { BlobSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } =
        await import('@azure/storage-blob');
      const sas = {
        containerName: blob.containerName,
        blobName: blob.name,
        permissions: BlobSASPermissions.parse('r'),
        // A little leeway for clocks that disagree with the storage service's.
        startsOn: new Date(Date.now() - 5 * 60_000),
        expiresOn,
        contentDisposition: `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
        contentType: 'application/json',
      };
      if (blob.credential instanceof StorageSharedKeyCredential) return blob.generateSasUrl(sas);
      const service = serviceClient!;
      const key = await service.getUserDelegationKey(sas.startsOn, expiresOn);
      const query = generateBlobSASQueryParameters(sas, key, service.accountName).toString();
      return `${blob.url}?${query}`;
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
