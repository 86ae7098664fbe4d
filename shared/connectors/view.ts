import { z } from 'zod';

/**
 * What the API shows of connectors, declared once: the routes validate and document their answers with these
 * schemas, and the service and the web app use the types inferred from them.
 */

/** Vendors we connect to through OAuth. */
export const providerName = z.enum(['google', 'microsoft', 'notion']);
/** What a connector gives access to. One OAuth connection may serve several families (Google: mail, calendar, files). */
export const connectorFamily = z.enum(['mail', 'calendar', 'files', 'notes']);
/** `needs_permission`: access works, but an installed agent needs a permission the account has not granted. */
const connectorHealth = z.enum(['ok', 'expiring', 'needs_permission', 'needs_reauth', 'revoked']);

/** A permission (OAuth scope) an agent needs and the account has not granted, with its words for people. */
export const missingPermissionView = z.object({
  scope: z.string(),
  /** What it allows, in plain words ("Send email as you (only what you approve)"). */
  label: z.string(),
  family: connectorFamily,
});

/**
 * One source's push channel: `push` while the provider sends its changes, `polling` when the channel could not be
 * started or renewed (changes are then found by polling; `reason` says why).
 */
export const pushStateView = z.object({
  source: z.enum(['mail', 'calendar', 'files']),
  mode: z.enum(['push', 'polling']),
  /** When the provider stops pushing unless the channel is renewed (renewed ahead of it). */
  expiresAt: z.string().optional(),
  reason: z.string().optional(),
});

/** A connector as shown to the person and to other contexts. Never carries tokens. */
export const connectorView = z.object({
  id: z.string(),
  provider: providerName,
  families: z.array(connectorFamily),
  /** The connected account (email address or workspace name). */
  account: z.string(),
  scopes: z.array(z.string()),
  /** What the granted scopes allow, in words, each once ("Read your email"). */
  allowed: z.array(z.string()),
  health: connectorHealth,
  connectedAt: z.string(),
  /** When the access token expires (ISO); the hub refreshes ahead of it. */
  accessExpiresAt: z.string().optional(),
  lastRefreshedAt: z.string().optional(),
  /** Permissions installed agents need that this account has not granted (health `needs_permission`). */
  missingPermissions: z.array(missingPermissionView).optional(),
  /** Safe words about the last failure, when health is not ok. */
  lastError: z.string().optional(),
  /** How changes of each watched source reach the app; absent when no source is pushed. */
  push: z.array(pushStateView).optional(),
});

/** The start of a connect flow: where to send the browser, until when, and what access it asks for. */
export const authorizationStartView = z.object({
  /** Where the browser posts `ticket` (a form, `application/x-www-form-urlencoded`): the API's own origin. */
  startUrl: z.string().url(),
  /** Single use, for this person only, valid until `expiresAt` (two minutes). */
  ticket: z.string(),
  expiresAt: z.string(),
  families: z.array(connectorFamily),
  scopes: z.array(z.string()),
});

/** A vendor this installation can connect, with what its accounts can serve. */
export const connectableProviderView = z.object({
  provider: providerName,
  families: z.array(connectorFamily),
});
