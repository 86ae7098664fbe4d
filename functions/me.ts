import { z } from 'zod';
import { profileSchema, profileUpdateSchema, toProfileView } from '../shared/identity/tenant-profile';
import { deletionSchema, meResponse } from '../shared/identity/views';
import { exportViewSchema } from '../shared/identity/export-model';
import { startExport } from '../shared/identity/export-orchestrator';
import { idParams } from '../shared/platform/ids';
import { httpRoute } from '../shared/app/http-route';
import { accepted, ok, redirect } from '../shared/platform/http/responses';

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
  summary:
    'Change your display name, time zone, locale, working hours, notification preferences, undo-send window or audit retention',
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

export const requestExport = httpRoute({
  name: 'requestExport',
  method: 'POST',
  route: 'me/exports',
  summary:
    'Start an export of everything you own, written in the background (202; poll the Location). While one is being written, the answer is that same export (202): at most one at a time',
  tags: ['identity'],
  response: exportViewSchema,
  successStatus: 202,
  durable: true,
  async handler({ services, principal, correlationId, durableClient }) {
    const { view } = await services
      .exports()
      .request(principal.tenantId, { actorId: principal.subject, source: 'web', correlationId }, (job) =>
        startExport(durableClient(), job),
      );
    const location = `${services.settings.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/me/exports/${view.id}`;
    return { ...accepted(view, location), headers: { Location: location, 'Cache-Control': 'no-store' } };
  },
});

export const getExport = httpRoute({
  name: 'getExport',
  method: 'GET',
  route: 'me/exports/{exportId}',
  summary:
    "A data export's status: running (with progress), ready (with counts, size and a short-lived download link) or failed (with the reason); gone once it expired",
  tags: ['identity'],
  params: idParams('exportId'),
  response: exportViewSchema,
  async handler({ services, principal, params }) {
    const view = await services.exports().status(principal.tenantId, params.exportId);
    return ok(view, { headers: { 'Cache-Control': 'no-store' } });
  },
});

export const downloadExport = httpRoute({
  name: 'downloadExport',
  method: 'GET',
  route: 'me/exports/{exportId}/download',
  summary:
    'Where a download link from the export status leads (signed, short-lived, no sign-in needed): on to the file',
  tags: ['identity'],
  auth: 'none',
  params: idParams('exportId'),
  query: z.object({ token: z.string().max(1024) }),
  async handler({ services, params, query }) {
    const url = await services.exports().download(params.exportId, query.token);
    return {
      ...redirect(url),
      headers: { Location: url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
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
