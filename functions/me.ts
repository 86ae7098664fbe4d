import { z } from 'zod';
import { profileSchema, profileUpdateSchema, toProfileView } from '../shared/identity/tenant-profile';
import { NotFoundError } from '../shared/platform/errors';
import { httpRoute } from '../shared/app/http-route';
import { accepted, ok } from '../shared/platform/http/responses';
import { limitsReportSchema } from './usage';

export const meResponse = profileSchema.extend({
  usage: limitsReportSchema,
  /** Feature flags as they apply to this person. */
  features: z.record(z.string(), z.boolean()),
});

/** The caller's profile; the first call creates their personal tenant. */
export const getMe = httpRoute({
  name: 'getMe',
  method: 'GET',
  route: 'me',
  summary: 'Your profile, plan and usage (creates your personal workspace on first call)',
  tags: ['identity'],
  response: meResponse,
  async handler({ services, principal, correlationId }) {
    const profile = await services.tenants().ensure(principal, { correlationId, source: 'web' });
    const [report, features] = await Promise.all([
      services.usage().report(profile.tenantId),
      services.flags().evaluateAll({ tenantId: profile.tenantId, tier: profile.tier }),
    ]);
    return ok(
      { ...toProfileView(profile), usage: report.limits, features },
      { etag: profile._etag, headers: { 'Cache-Control': 'no-store' } },
    );
  },
});

export const patchMe = httpRoute({
  name: 'patchMe',
  method: 'PATCH',
  route: 'me',
  summary: 'Change your display name, time zone, locale, notification preferences or audit retention',
  tags: ['identity'],
  body: profileUpdateSchema,
  response: profileSchema,
  async handler({ services, principal, body, ifMatch, correlationId }) {
    await services.tenants().ensure(principal, { correlationId, source: 'web' });
    const saved = await services.tenants().update(principal.tenantId, body, {
      ifMatch,
      correlationId,
      source: 'web',
      actorId: principal.subject,
    });
    return ok(toProfileView(saved), { etag: saved._etag });
  },
});

const exportReadySchema = z.object({
  exportId: z.string().uuid(),
  status: z.literal('ready'),
  /** Where to download the export (same authentication). */
  location: z.string(),
  size: z.number().int(),
});

/** The export as a JSON document (its shape: `TenantExport` in shared/identity/privacy.ts). */
const exportDocumentSchema = z
  .object({
    format: z.literal('personal-agents-export/1'),
    exportedAt: z.string(),
    tenantId: z.string(),
    containers: z.record(z.string(), z.array(z.unknown())),
    blobs: z.array(
      z.object({
        path: z.string(),
        size: z.number(),
        contentType: z.string().optional(),
        base64: z.string().optional(),
      }),
    ),
    participants: z.record(z.string(), z.unknown()),
  })
  .passthrough();

export const exportMe = httpRoute({
  name: 'exportMe',
  method: 'GET',
  route: 'me/export',
  summary: 'Everything you own, as one JSON document (202 + a download link when it is large)',
  tags: ['identity'],
  response: z.union([exportDocumentSchema, exportReadySchema]),
  durable: true,
  async handler({ services, principal, correlationId, durableClient }) {
    const { json, size, exportId } = await services
      .privacy()
      .deliverExport(
        principal.tenantId,
        { actorId: principal.subject, source: 'web', correlationId },
        { durable: durableClient(), correlationId },
      );
    if (!exportId) {
      return {
        status: 200,
        raw: json,
        contentType: 'application/json',
        headers: {
          'Cache-Control': 'no-store',
          'Content-Disposition': 'attachment; filename="personal-agents-export.json"',
        },
      };
    }
    const location = `${services.settings.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/me/exports/${exportId}`;
    return accepted({ exportId, status: 'ready', location, size }, location);
  },
});

export const downloadExport = httpRoute({
  name: 'downloadExport',
  method: 'GET',
  route: 'me/exports/{exportId}',
  summary: 'Download a prepared data export',
  tags: ['identity'],
  params: z.object({ exportId: z.string().uuid() }),
  produces: 'application/json',
  async handler({ services, principal, params }) {
    const content = await services.privacy().readExport(principal.tenantId, params.exportId);
    if (!content) throw new NotFoundError('export');
    return {
      status: 200,
      raw: content,
      contentType: 'application/json',
      headers: {
        'Cache-Control': 'no-store',
        'Content-Disposition': 'attachment; filename="personal-agents-export.json"',
      },
    };
  },
});

const deletionSchema = z.object({
  deleted: z.literal(true),
  deletionId: z.string().uuid(),
  documents: z.record(z.string(), z.number()),
  blobs: z.number().int(),
  orchestrations: z.number().int(),
});

export const deleteMe = httpRoute({
  name: 'deleteMe',
  method: 'DELETE',
  route: 'me',
  summary: 'Erase your workspace everywhere: documents, files, running work and connected-account tokens',
  tags: ['identity'],
  response: deletionSchema,
  durable: true,
  async handler({ services, principal, correlationId, durableClient, log }) {
    const report = await services
      .privacy()
      .eraseTenant(principal.tenantId, { durable: durableClient(), correlationId });
    if (report.failures.length) log.warn(`erasure ${report.deletionId} had failures`, { failures: report.failures });
    return ok({
      deleted: true,
      deletionId: report.deletionId,
      documents: report.documents,
      blobs: report.blobs,
      orchestrations: report.orchestrations,
    });
  },
});
