import { inflateRawSync } from 'node:zlib';
import type { FileSummary } from '../types';

const TEXT_MIME = /^(text\/|application\/(json|xml|x-yaml|yaml|markdown|csv|x-ndjson))/;

export const isTextMime = (mime: string) => TEXT_MIME.test(mime);

export function fileKind(mime: string): FileSummary['kind'] {
  if (mime === 'application/vnd.google-apps.folder' || mime === 'folder') return 'folder';
  if (mime === 'application/pdf') return 'pdf';
  if (/document|msword|wordprocessing/.test(mime)) return 'document';
  if (/spreadsheet|ms-excel|text\/csv/.test(mime)) return 'spreadsheet';
  if (/presentation|powerpoint/.test(mime)) return 'presentation';
  if (isTextMime(mime)) return 'text';
  return 'other';
}

/** One entry of a zip file, found through the central directory. */
function zipEntry(zip: Buffer, wanted: string): Buffer | undefined {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count && offset + 46 <= zip.length; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) return undefined;
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (name === wanted) {
      const localNameLength = zip.readUInt16LE(localOffset + 26);
      const localExtraLength = zip.readUInt16LE(localOffset + 28);
      const start = localOffset + 30 + localNameLength + localExtraLength;
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      return undefined;
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text of a .docx (paragraphs as lines); undefined when it is not a readable Word file. */
export function docxText(file: Buffer): string | undefined {
  try {
    const xml = zipEntry(file, 'word/document.xml')?.toString('utf8');
    if (!xml) return undefined;
    return xml
      .replace(/<w:tab\/>/g, '\t')
      .replace(/<w:br\/>/g, '\n')
      .replace(/<\/w:p>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e]!)
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  } catch {
    return undefined;
  }
}
