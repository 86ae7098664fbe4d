import { z } from 'zod';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';

/** Where a data export stands: being written, ready to download until it expires, or failed (with a plain reason). */
export const exportStatusSchema = z.enum(['running', 'ready', 'failed']);
export type ExportStatus = z.infer<typeof exportStatusSchema>;

/** One data export, in the tenant's `exports` container (id = the export id). */
export interface ExportRecord extends TenantDoc {
  type: 'export';
  status: ExportStatus;
  createdAt: string;
  /** When the file and this record are deleted. */
  expiresAt: string;
  finishedAt?: string;
  /** Documents to write (counted when writing starts) and written so far. */
  total?: number;
  written: number;
  /** What the finished file holds, per container, and how many files. */
  documents?: Record<string, number>;
  blobs?: number;
  /** The file's size in bytes, once written. */
  size?: number;
  /** Why it failed, in words a person can act on. */
  reason?: string;
  /** Reclaims the record a day after it expired, should the expiry never run (the store's TTL, seconds). */
  ttl: number;
}

/** The tenant's one export in flight: created only if absent, so two requests cannot both start one. */
export interface ExportSlot extends TenantDoc {
  type: 'export-slot';
  exportId: string;
}

/** The slot's id in the `exports` container (one per tenant partition). */
export const EXPORT_SLOT_ID = 'in-flight';

/** What the owner sees of an export (GET /api/me/exports/{id}, POST /api/me/exports). */
export const exportViewSchema = z.object({
  id: z.string(),
  status: exportStatusSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  finishedAt: z.string().optional(),
  progress: z
    .object({ written: z.number().int(), total: z.number().int().optional() })
    .describe('Documents written so far, of the total counted when writing began'),
  documents: z.record(z.string(), z.number().int()).optional().describe('Documents per container in the file'),
  blobs: z.number().int().optional().describe('Files included'),
  size: z.number().int().optional().describe('Size of the export file in bytes'),
  reason: z.string().optional().describe('Why the export failed'),
  download: z
    .object({ url: z.string(), expiresAt: z.string() })
    .optional()
    .describe('When ready: a short-lived link to the file (ask for the status again for a fresh one)'),
});
export type ExportView = z.infer<typeof exportViewSchema>;

export function toExportView(record: ExportRecord, download?: ExportView['download']): ExportView {
  return {
    id: record.id,
    status: record.status,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    progress: { written: record.written, ...(record.total !== undefined ? { total: record.total } : {}) },
    ...(record.documents ? { documents: record.documents } : {}),
    ...(record.blobs !== undefined ? { blobs: record.blobs } : {}),
    ...(record.size !== undefined ? { size: record.size } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(download ? { download } : {}),
  };
}

/** What the export's orchestration and activities carry. */
export interface ExportJob {
  tenantId: string;
  exportId: string;
  expiresAt: string;
  correlationId?: string;
}
