import type { BlobStore } from '../platform/blob/blob-store';
import type { ContainerName } from '../platform/cosmos/containers';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import type { PrivacyContext, PrivacyParticipant } from './privacy';

/** The export's format name, the first field of every export file. */
const EXPORT_FORMAT = 'personal-agents-export/1';
/** Blobs below this size are embedded (base64) in the export; larger ones are listed with their size. */
const EMBED_BLOB_BYTES = 256 * 1024;
/** Documents read per page: what the writer holds of a container at a time. */
const PAGE_SIZE = 200;

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

/** What the export holds, counted while it is written. */
export interface ExportTally {
  documents: Record<string, number>;
  blobs: number;
}

export interface ExportSource {
  cosmos: CosmosStore;
  blobs: BlobStore;
  participants: readonly PrivacyParticipant[];
  /** The tenant containers to export, in order. */
  containers: readonly ContainerName[];
  /** Blob paths under this prefix are left out (the exports themselves). */
  skipBlobPrefix: string;
}

/**
 * The tenant's export as JSON text in pieces, written as it is read: each container page by page, each blob on its
 * own, then each participant's section. One page (or one small blob) is held at a time, whatever the export's size.
 * `tally` is filled in as the pieces go out; `onPage` hears each page's document count (for progress).
 */
export async function* exportChunks(
  source: ExportSource,
  tenantId: string,
  exportedAt: string,
  ctx: PrivacyContext,
  tally: ExportTally,
  onPage: (documents: number) => Promise<void> = async () => undefined,
): AsyncGenerator<string> {
  const omit = new Map<ContainerName, Set<string>>();
  for (const p of source.participants) {
    for (const [name, fields] of Object.entries(p.exportOmit ?? {}) as [ContainerName, string[]][]) {
      const set = omit.get(name) ?? new Set<string>();
      fields.forEach((f) => set.add(f));
      omit.set(name, set);
    }
  }
  const head = { format: EXPORT_FORMAT, exportedAt, tenantId };
  yield `${JSON.stringify(head).slice(0, -1)},"containers":{`;
  let firstContainer = true;
  for (const name of source.containers) {
    yield `${firstContainer ? '' : ','}${JSON.stringify(name)}:[`;
    firstContainer = false;
    const repo = createTenantRepository<TenantDoc>(source.cosmos, name, name);
    const drop = omit.get(name);
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await repo.query(tenantId, 'SELECT * FROM c', [], { limit: PAGE_SIZE, cursor });
      const parts = page.items.map((doc, i) => {
        const copy: Record<string, unknown> = { ...doc };
        drop?.forEach((f) => delete copy[f]);
        return `${count + i === 0 ? '' : ','}${JSON.stringify(scrub(copy))}`;
      });
      count += page.items.length;
      if (parts.length) yield parts.join('');
      await onPage(page.items.length);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    tally.documents[name] = count;
    yield ']';
  }
  yield '},"blobs":[';
  let blobCount = 0;
  for (const blob of await source.blobs.list(tenantId)) {
    if (blob.path.startsWith(source.skipBlobPrefix)) continue;
    const entry: { path: string; size: number; contentType?: string; base64?: string } = {
      path: blob.path,
      size: blob.size,
      contentType: blob.contentType,
    };
    if (blob.size <= EMBED_BLOB_BYTES) entry.base64 = (await source.blobs.get(tenantId, blob.path))?.toString('base64');
    yield `${blobCount === 0 ? '' : ','}${JSON.stringify(entry)}`;
    blobCount++;
  }
  tally.blobs = blobCount;
  yield '],"participants":{';
  let firstSection = true;
  for (const p of source.participants) {
    if (!p.export) continue;
    const section = scrub(await p.export(tenantId, ctx));
    yield `${firstSection ? '' : ','}${JSON.stringify(p.name)}:${JSON.stringify(section ?? null)}`;
    firstSection = false;
  }
  yield '}}';
}
