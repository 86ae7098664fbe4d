import type { drive_v3 } from '@googleapis/drive';
import type { Settings } from '../../platform/config';
import { vendorStatus } from '../provider-errors';
import { bound, htmlToText } from '../text';
import type { FileSummary, FilesProvider, FileText } from '../types';
import { clampLimit, googleClientOptions } from './google-client';
import { docxText, fileKind, isTextMime } from './file-text';

const FIELDS = 'id,name,mimeType,modifiedTime,size,webViewLink';
const GOOGLE_DOC = 'application/vnd.google-apps.document';

/** Google's own formats and what we export them as. */
const EXPORTS: Record<string, string> = {
  [GOOGLE_DOC]: 'text/plain',
  'application/vnd.google-apps.spreadsheet': 'text/csv',
  'application/vnd.google-apps.presentation': 'text/plain',
};

function toFile(f: drive_v3.Schema$File): FileSummary {
  return {
    id: f.id!,
    name: f.name ?? '',
    kind: fileKind(f.mimeType ?? ''),
    mimeType: f.mimeType ?? 'application/octet-stream',
    modifiedAt: f.modifiedTime ? new Date(f.modifiedTime).toISOString() : new Date(0).toISOString(),
    ...(f.size ? { size: Number(f.size) } : {}),
    ...(f.webViewLink ? { webLink: f.webViewLink } : {}),
  };
}

const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Google Drive behind the files interface. */
export async function createGoogleDriveProvider(settings: Settings, fetchImpl: typeof fetch): Promise<FilesProvider> {
  const { drive } = await import('@googleapis/drive');
  const api = drive({ version: 'v3', ...googleClientOptions(settings, fetchImpl) });

  const bytes = async (fileId: string) => {
    const res = await api.files.get({ fileId, alt: 'media' }, { responseType: 'arraybuffer' });
    return Buffer.from(res.data as unknown as ArrayBuffer);
  };

  return {
    async listFiles(query) {
      const terms = ['trashed = false'];
      if (query.text) terms.push(`(name contains ${quote(query.text)} or fullText contains ${quote(query.text)})`);
      if (query.folderId) terms.push(`${quote(query.folderId)} in parents`);
      if (query.modifiedSince) terms.push(`modifiedTime > ${quote(new Date(query.modifiedSince).toISOString())}`);
      const res = await api.files.list({
        q: terms.join(' and '),
        pageSize: clampLimit(query.limit),
        pageToken: query.cursor,
        orderBy: query.text ? undefined : 'modifiedTime desc',
        fields: `nextPageToken, files(${FIELDS})`,
      });
      return { items: (res.data.files ?? []).map(toFile), nextCursor: res.data.nextPageToken ?? null };
    },

    async readText(fileId): Promise<FileText> {
      const file = toFile((await api.files.get({ fileId, fields: FIELDS })).data);
      const exportAs = EXPORTS[file.mimeType];
      if (exportAs) {
        try {
          const res = await api.files.export({ fileId, mimeType: exportAs }, { responseType: 'text' });
          return { supported: true, file, ...bound(String(res.data)) };
        } catch (err) {
          // Drive APIs without export (the local emulator) keep the uploaded text as the file's content.
          if (vendorStatus(err) !== 404) throw err;
          return { supported: true, file, ...bound((await bytes(fileId)).toString('utf8')) };
        }
      }
      if (file.kind === 'folder') return { supported: false, file, reason: 'This is a folder, not a document.' };
      if (file.mimeType === 'text/html')
        return { supported: true, file, ...bound(await htmlToText((await bytes(fileId)).toString('utf8'))) };
      if (isTextMime(file.mimeType)) return { supported: true, file, ...bound((await bytes(fileId)).toString('utf8')) };
      if (file.mimeType === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') {
        const text = docxText(await bytes(fileId));
        if (text !== undefined) return { supported: true, file, ...bound(text) };
        return { supported: false, file, reason: 'This Word document could not be read.' };
      }
      if (file.kind === 'pdf')
        return { supported: false, file, reason: 'Reading text from PDF files is not supported yet.' };
      return { supported: false, file, reason: `Files of type ${file.mimeType} cannot be read as text.` };
    },

    async createDocument(doc) {
      // Upload URLs are built from the per-call root only, so it is passed again here.
      const perCall = settings.GOOGLE_API_ROOT_URL
        ? { rootUrl: settings.GOOGLE_API_ROOT_URL.replace(/\/?$/, '/') }
        : {};
      const res = await api.files.create(
        {
          requestBody: { name: doc.title, mimeType: GOOGLE_DOC, ...(doc.folderId ? { parents: [doc.folderId] } : {}) },
          media: { mimeType: 'text/plain', body: doc.content },
          fields: FIELDS,
        },
        perCall,
      );
      return toFile(res.data);
    },

    async deleteFile(fileId) {
      try {
        // To the trash, not gone: the person can still restore it from Drive.
        await api.files.update({ fileId, requestBody: { trashed: true } });
      } catch (err) {
        if (vendorStatus(err) !== 404) throw err;
      }
    },
  };
}
