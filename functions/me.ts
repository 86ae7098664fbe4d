import { z } from 'zod';
import { profileSchema, profileUpdateSchema, toProfileView } from '../shared/identity/tenant-profile';
import { deletionSchema, exportDocumentSchema, exportReadySchema, meResponse } from '../shared/identity/views';
import { NotFoundError } from '../shared/platform/errors';
import { httpRoute } from '../shared/app/http-route';
import { accepted, ok } from '../shared/platform/http/responses';

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

export const deleteMe = httpRoute({
  name: 'deleteMe',
  method: 'DELETE',
  route: 'me',
  summary:
    'Erase your workspace everywhere: documents, files, running work and connected-account tokens (If-Match: the ETag of GET /api/me)',
  tags: ['identity'],
  response: deletionSchema,
  durable: true,
  async handler({ services, principal, ifMatch, correlationId, durableClient, log }) {
    const report = await services
      .privacy()
      .eraseTenant(principal.tenantId, { durable: durableClient(), correlationId }, ifMatch);
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
