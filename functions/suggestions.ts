import { z } from 'zod';
import type { Services } from '../shared/app/services';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';
import { pageOf, pagingQuery } from '../shared/platform/http/paging';
import { suggestionKindSchema } from '../shared/suggestions/kinds';
import {
  suggestionStatusSchema,
  suggestionViewSchema,
  toSuggestionView,
  type SuggestionDoc,
} from '../shared/suggestions/model';
import { signalDecisionOrLog } from '../shared/suggestions/approval-signal';
import { sourceMessageView } from '../shared/suggestions/source-message';
import type { DurableClient } from 'durable-functions';
import type { Logger } from '../shared/platform/logging';
import { idParams, resourceId } from '../shared/platform/ids';

const suggestionParams = idParams('id');

const listQuery = pagingQuery.extend({
  status: suggestionStatusSchema.optional(),
  kind: suggestionKindSchema.optional(),
  runId: resourceId.optional(),
});

const approveBody = z
  .object({
    /** Fields of the payload to change before it is carried out; validated against the kind's schema. */
    edits: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .optional();

const rejectBody = z
  .object({ reason: z.string().trim().max(1000).optional() })
  .strict()
  .optional();

const bulkBody = z
  .object({
    ids: z
      .array(resourceId)
      .min(1)
      .max(100)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'ids must not repeat' }),
    action: z.enum(['approve', 'reject']),
  })
  .strict();

export const bulkResponse = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      ok: z.boolean(),
      status: z.number().int(),
      suggestionStatus: suggestionStatusSchema.optional(),
      error: z.object({ type: z.string(), title: z.string(), detail: z.string() }).optional(),
    }),
  ),
  succeeded: z.number().int(),
  failed: z.number().int(),
});

const signal = (services: Services, client: DurableClient, doc: SuggestionDoc, log: Logger) =>
  signalDecisionOrLog(client, doc, services.settings.SUGGESTION_REMINDER_BEFORE_SECONDS, log);

export const listSuggestions = httpRoute({
  name: 'listSuggestions',
  method: 'GET',
  route: 'suggestions',
  summary: 'Your suggestions, newest first, filtered by status, kind or run',
  tags: ['suggestions'],
  scope: 'suggestions:read',
  query: listQuery,
  response: pageOf(suggestionViewSchema),
  async handler({ services, principal, query }) {
    const page = await services.suggestions().list(principal.tenantId, query);
    const now = services.clock.now();
    return ok(
      { items: page.items.map((d) => toSuggestionView(d, now)), nextCursor: page.nextCursor },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  },
});

export const getSuggestion = httpRoute({
  name: 'getSuggestion',
  method: 'GET',
  route: 'suggestions/{id}',
  summary: 'One suggestion with its preview, risk flags, sources and outcome',
  tags: ['suggestions'],
  scope: 'suggestions:read',
  params: suggestionParams,
  response: suggestionViewSchema,
  async handler({ services, principal, params }) {
    const doc = await services.suggestions().get(principal.tenantId, params.id);
    return ok(toSuggestionView(doc, services.clock.now()), {
      etag: doc._etag,
      headers: { 'Cache-Control': 'no-store' },
    });
  },
});

export const getSuggestionSource = httpRoute({
  name: 'getSuggestionSource',
  method: 'GET',
  route: 'suggestions/{id}/source',
  summary:
    'The message a suggestion answers, read live from the connected account (sender, date, subject, plain text, a link to open it in Gmail or Outlook); 409 when the account is disconnected, 410 when the message was deleted',
  tags: ['suggestions'],
  scope: 'suggestions:read',
  params: suggestionParams,
  response: sourceMessageView,
  async handler({ services, principal, params }) {
    const message = await services.sourceMessages().forSuggestion(principal.tenantId, params.id);
    return ok(message, { headers: { 'Cache-Control': 'no-store' } });
  },
});

export const approveSuggestion = httpRoute({
  name: 'approveSuggestion',
  method: 'POST',
  route: 'suggestions/{id}/approve',
  summary: 'Approve a pending suggestion, optionally with edits; it is then carried out once',
  tags: ['suggestions'],
  scope: 'suggestions:decide',
  params: suggestionParams,
  body: approveBody,
  response: suggestionViewSchema,
  durable: true,
  async handler({ services, principal, params, body, ifMatch, correlationId, durableClient, log }) {
    const doc = await services
      .suggestions()
      .approve(
        principal.tenantId,
        params.id,
        body?.edits,
        { actorId: principal.subject, source: 'web', correlationId },
        { ifMatch },
      );
    await signal(services, durableClient(), doc, log);
    return ok(toSuggestionView(doc, services.clock.now()), { etag: doc._etag });
  },
});

export const rejectSuggestion = httpRoute({
  name: 'rejectSuggestion',
  method: 'POST',
  route: 'suggestions/{id}/reject',
  summary: 'Reject a pending suggestion, with an optional reason',
  tags: ['suggestions'],
  scope: 'suggestions:decide',
  params: suggestionParams,
  body: rejectBody,
  response: suggestionViewSchema,
  durable: true,
  async handler({ services, principal, params, body, ifMatch, correlationId, durableClient, log }) {
    const doc = await services
      .suggestions()
      .reject(
        principal.tenantId,
        params.id,
        body?.reason || undefined,
        { actorId: principal.subject, source: 'web', correlationId },
        { ifMatch },
      );
    await signal(services, durableClient(), doc, log);
    return ok(toSuggestionView(doc, services.clock.now()), { etag: doc._etag });
  },
});

export const bulkDecide = httpRoute({
  name: 'bulkDecideSuggestions',
  method: 'POST',
  route: 'suggestions/bulk',
  summary: 'Approve or reject up to 100 suggestions at once; each item has its own result',
  tags: ['suggestions'],
  scope: 'suggestions:decide',
  body: bulkBody,
  response: bulkResponse,
  durable: true,
  async handler({ services, principal, body, correlationId, durableClient, log }) {
    const client = durableClient();
    const results = await services
      .suggestions()
      .bulk(
        principal.tenantId,
        body.ids,
        body.action,
        { actorId: principal.subject, source: 'web', correlationId },
        (doc) => signal(services, client, doc, log),
      );
    const succeeded = results.filter((r) => r.ok).length;
    return ok({ results, succeeded, failed: results.length - succeeded });
  },
});

export const undoSuggestion = httpRoute({
  name: 'undoSuggestion',
  method: 'POST',
  route: 'suggestions/{id}/undo',
  summary:
    'Take back an action: cancel a send held in its undo window (nothing is sent), or undo a carried-out action within its window (delete the event, unarchive, delete the draft, ...)',
  tags: ['suggestions'],
  scope: 'suggestions:decide',
  params: suggestionParams,
  response: suggestionViewSchema,
  async handler({ services, principal, params, ifMatch, correlationId }) {
    const doc = await services
      .suggestions()
      .undo(principal.tenantId, params.id, { actorId: principal.subject, source: 'web', correlationId }, ifMatch);
    return ok(toSuggestionView(doc, services.clock.now()), { etag: doc._etag });
  },
});
