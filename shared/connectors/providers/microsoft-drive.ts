import type { Settings } from '../../platform/config';
import { vendorStatus } from '../provider-errors';
import { bound, htmlToText } from '../text';
import type { FileSummary, FilesProvider, FileText } from '../types';
import { clampLimit } from './google-client';
import { createGraphClient, followNextLink, encodeNextLink } from './graph-client';
import { docxText, fileKind, isTextMime } from './file-text';

interface DriveItem {
  id: string;
  name?: string;
  size?: number;
  lastModifiedDateTime?: string;
  webUrl?: string;
  folder?: unknown;
  file?: { mimeType?: string };
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const SELECT = 'id,name,size,lastModifiedDateTime,webUrl,folder,file';

function mimeOf(item: DriveItem): string {
  if (item.folder) return 'folder';
  const declared = item.file?.mimeType;
  if (declared && declared !== 'application/octet-stream') return declared;
  const ext = item.name?.split('.').pop()?.toLowerCase();
  const byExt: Record<string, string> = {
    txt: 'text/plain',
    md: 'text/markdown',
    csv: 'text/csv',
    json: 'application/json',
    html: 'text/html',
    pdf: 'application/pdf',
    docx: DOCX,
  };
  return (ext && byExt[ext]) ?? declared ?? 'application/octet-stream';
}

function toFile(item: DriveItem): FileSummary {
  const mimeType = mimeOf(item);
  return {
    id: item.id,
    name: item.name ?? '',
    kind: fileKind(mimeType),
    mimeType,
    modifiedAt: item.lastModifiedDateTime
      ? new Date(item.lastModifiedDateTime).toISOString()
      : new Date(0).toISOString(),
    ...(item.size !== undefined ? { size: item.size } : {}),
    ...(item.webUrl ? { webLink: item.webUrl } : {}),
  };
}

/** A file name OneDrive accepts, from a document title. */
const safeName = (title: string) =>
  title
    .replace(/[\\/:*?"<>|#%]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120) || 'Untitled';

/** OneDrive through Microsoft Graph behind the files interface. */
export async function createOneDriveProvider(settings: Settings, fetchImpl: typeof fetch): Promise<FilesProvider> {
  const client = await createGraphClient(settings, fetchImpl);

  const content = async (id: string) => {
    const data = await client
      .api(`/me/drive/items/${encodeURIComponent(id)}/content`)
      .responseType('arraybuffer' as never)
      .get();
    return Buffer.from(data as ArrayBuffer);
  };

  return {
    async listFiles(query) {
      let res;
      if (query.cursor) {
        res = await followNextLink(query.cursor, settings, fetchImpl);
      } else {
        const path = query.text
          ? `/me/drive/root/search(q='${query.text.replace(/'/g, "''")}')`
          : query.folderId
            ? `/me/drive/items/${encodeURIComponent(query.folderId)}/children`
            : '/me/drive/root/children';
        res = await client.api(path).select(SELECT).top(clampLimit(query.limit)).get();
      }
      let items = ((res.value ?? []) as DriveItem[]).map(toFile);
      if (query.modifiedSince) items = items.filter((f) => f.modifiedAt > new Date(query.modifiedSince!).toISOString());
      return { items, nextCursor: encodeNextLink(res['@odata.nextLink'], settings) };
    },

    async readText(fileId): Promise<FileText> {
      const file = toFile(
        (await client
          .api(`/me/drive/items/${encodeURIComponent(fileId)}`)
          .select(SELECT)
          .get()) as DriveItem,
      );
      if (file.kind === 'folder') return { supported: false, file, reason: 'This is a folder, not a document.' };
      if (file.mimeType === 'text/html')
        return { supported: true, file, ...bound(await htmlToText((await content(fileId)).toString('utf8'))) };
      if (isTextMime(file.mimeType))
        return { supported: true, file, ...bound((await content(fileId)).toString('utf8')) };
      if (file.mimeType === DOCX) {
        const text = docxText(await content(fileId));
        if (text !== undefined) return { supported: true, file, ...bound(text) };
        return { supported: false, file, reason: 'This Word document could not be read.' };
      }
      if (file.kind === 'pdf')
        return { supported: false, file, reason: 'Reading text from PDF files is not supported yet.' };
      return { supported: false, file, reason: `Files of type ${file.mimeType} cannot be read as text.` };
    },

    async createDocument(doc) {
      const parent = doc.folderId ? encodeURIComponent(doc.folderId) : 'root';
      const name = `${safeName(doc.title)}.md`;
      const created = (await client
        .api(`/me/drive/items/${parent}:/${encodeURIComponent(name)}:/content`)
        .query({ '@microsoft.graph.conflictBehavior': 'rename' })
        .header('content-type', 'text/markdown')
        .put(doc.content)) as DriveItem;
      return toFile({ ...created, file: { mimeType: 'text/markdown' } });
    },

    async deleteFile(fileId) {
      try {
        await client.api(`/me/drive/items/${encodeURIComponent(fileId)}`).delete();
      } catch (err) {
        if (vendorStatus(err) !== 404) throw err;
      }
    },
  };
}
