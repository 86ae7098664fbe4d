import { z } from 'zod';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';
import { apiScopeSchema, type ApiScope } from '../platform/http/scopes';

/** What every personal access token starts with, so people and secret scanners recognise one. */
export const TOKEN_PREFIX = 'pap_';

/** A personal access token as stored: its keyed hash, never the token. */
export interface ApiTokenDoc extends TenantDoc {
  type: 'api-token';
  name: string;
  scopes: ApiScope[];
  /** base64url HMAC-SHA256 of the whole token under the API token key. */
  hash: string;
  /** The first characters of the token, to tell tokens apart in lists (e.g. `pap_Xy3k`). */
  prefix: string;
  /** The person who made it, whose tenant and identity requests made with it act as. */
  issuer: string;
  subject: string;
  email?: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export const createTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(apiScopeSchema)
      .min(1)
      .refine((s) => new Set(s).size === s.length, { message: 'scopes must not repeat' }),
    expiresInDays: z.number().int().min(1).max(365),
  })
  .strict();
export type CreateTokenInput = z.infer<typeof createTokenBody>;

export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(apiScopeSchema),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

/** The answer to creating a token: the only time the token itself is shown. */
export const createdTokenSchema = tokenViewSchema.extend({
  token: z.string().describe('The token itself. Shown only now: store it safely.'),
});

export function toTokenView(doc: ApiTokenDoc): z.infer<typeof tokenViewSchema> {
  return {
    id: doc.id,
    name: doc.name,
    scopes: doc.scopes,
    prefix: doc.prefix,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    lastUsedAt: doc.lastUsedAt ?? null,
  };
}
