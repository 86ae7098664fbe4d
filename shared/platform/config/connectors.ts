import { z } from 'zod';
import { intSetting, localOnly, optionalSetting } from './env';

/**
 * Connectors: OAuth clients, provider endpoints (overridable for sovereign clouds and the local emulators),
 * token encryption and snapshot retention. Client secrets are read here only and never logged.
 */
export const connectorSettings = z.object({
  GOOGLE_CLIENT_ID: optionalSetting(),
  GOOGLE_CLIENT_SECRET: optionalSetting(),
  GOOGLE_AUTH_URL: z.string().url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_TOKEN_URL: z.string().url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_REVOKE_URL: z.string().url().default('https://oauth2.googleapis.com/revoke'),
  GOOGLE_USERINFO_URL: z.string().url().default('https://openidconnect.googleapis.com/v1/userinfo'),
  /** Root URL for Gmail, Calendar and Drive; unset = each API's own Google host. */
  GOOGLE_API_ROOT_URL: localOnly(optionalSetting()),

  MICROSOFT_CLIENT_ID: optionalSetting(),
  MICROSOFT_CLIENT_SECRET: optionalSetting(),
  /** Entra authority: `https://login.microsoftonline.com/common` or `/<tenant id>`. */
  MICROSOFT_AUTHORITY: z.string().url().default('https://login.microsoftonline.com/common'),
  MICROSOFT_GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com'),
  /** Token revocation endpoint, where the identity provider has one (Entra does not: disconnect then only forgets tokens). */
  MICROSOFT_REVOKE_URL: optionalSetting(),

  NOTION_CLIENT_ID: optionalSetting(),
  NOTION_CLIENT_SECRET: optionalSetting(),
  NOTION_AUTH_URL: z.string().url().default('https://api.notion.com/v1/oauth/authorize'),
  NOTION_TOKEN_URL: z.string().url().default('https://api.notion.com/v1/oauth/token'),
  NOTION_REVOKE_URL: z.string().url().default('https://api.notion.com/v1/oauth/revoke'),
  NOTION_API_BASE_URL: z.string().url().default('https://api.notion.com'),

  /** Azure: Key Vault holding the token-encryption key as a secret (base64 of 32 bytes); its version is the key id. */
  CONNECTOR_KEY_VAULT_URL: optionalSetting(),
  CONNECTOR_KEY_SECRET_NAME: z.string().min(1).default('connector-token-key'),
  /** Local: file holding the token-encryption key (created on first use). */
  CONNECTOR_KEY_FILE: localOnly(z.string().min(1).default('.local/keys/connector-tokens.key')),
  /** An OAuth `state` is valid this long. */
  CONNECTOR_STATE_TTL_SECONDS: intSetting(600),
  /** Tokens are refreshed this long before they expire; health shows `expiring` inside this window. */
  CONNECTOR_REFRESH_AHEAD_SECONDS: intSetting(300),
  /** Retries of a provider call on 429 / 5xx. */
  CONNECTOR_MAX_RETRIES: intSetting(3),
  /** Longest wait between retries, even when Retry-After asks for more. */
  CONNECTOR_MAX_RETRY_DELAY_MS: intSetting(10_000),
  /** Pages read at most when a call pages to completion. */
  CONNECTOR_MAX_PAGES: intSetting(10),
  /** Days a data snapshot is kept. */
  SNAPSHOT_RETENTION_DAYS: intSetting(30),
});
