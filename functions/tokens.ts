/**
 * Personal access tokens: made, listed and revoked with the person's own sign-in only (no scope, so a token is
 * refused here); accepted in place of the sign-in on routes that name a scope.
 */
import { z } from 'zod';
import { httpRoute } from '../shared/app/http-route';
import { createdTokenSchema, createTokenBody, tokenViewSchema, toTokenView } from '../shared/api-access/token-model';
import { idParams } from '../shared/platform/ids';
import { created, noContent, ok } from '../shared/platform/http/responses';

export const createToken = httpRoute({
  name: 'createToken',
  method: 'POST',
  route: 'tokens',
  summary:
    'Make a personal access token with scopes and an expiry (1 to 365 days); the token is shown only in this answer',
  tags: ['api-access'],
  body: createTokenBody,
  response: createdTokenSchema,
  successStatus: 201,
  async handler({ services, principal, body, correlationId }) {
    const { doc, token } = await services
      .apiTokens()
      .create(principal, body, { actorId: principal.subject, source: 'web', correlationId });
    const result = created({ ...toTokenView(doc), token }, `/api/tokens/${doc.id}`);
    return { ...result, headers: { ...result.headers, 'Cache-Control': 'no-store' } };
  },
});

export const listTokens = httpRoute({
  name: 'listTokens',
  method: 'GET',
  route: 'tokens',
  summary:
    'Your personal access tokens (never the tokens themselves): name, scopes, prefix, created, expires, last used',
  tags: ['api-access'],
  response: z.object({ items: z.array(tokenViewSchema) }),
  async handler({ services, principal }) {
    const docs = await services.apiTokens().list(principal.tenantId);
    return ok({ items: docs.map(toTokenView) }, { headers: { 'Cache-Control': 'no-store' } });
  },
});

export const revokeToken = httpRoute({
  name: 'revokeToken',
  method: 'DELETE',
  route: 'tokens/{tokenId}',
  summary: 'Revoke a personal access token at once',
  tags: ['api-access'],
  params: idParams('tokenId'),
  async handler({ services, principal, params, correlationId }) {
    await services
      .apiTokens()
      .revoke(principal.tenantId, params.tokenId, { actorId: principal.subject, source: 'web', correlationId });
    return noContent();
  },
});
