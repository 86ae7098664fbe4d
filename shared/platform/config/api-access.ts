import { z } from 'zod';
import { boolSetting, intSetting, localOnly, optionalSetting } from './env';

/** Personal access tokens and webhooks (shared/api-access/). */
export const apiAccessSettings = z.object({
  /**
   * Key of the keyed hash under which access tokens are stored: base64 of at least 32 random bytes. In Azure a Key
   * Vault reference; locally, when unset, a key file is created under API_TOKEN_KEY_FILE.
   */
  API_TOKEN_KEY: optionalSetting(),
  API_TOKEN_KEY_FILE: localOnly(z.string().min(1).default('.local/keys/api-tokens.key')),
  /**
   * Lets webhooks call loopback addresses (127.0.0.0/8, ::1) over plain HTTP, so a receiver on the developer's machine
   * works. Never set in Azure: there webhooks go to public HTTPS addresses only.
   */
  WEBHOOK_ALLOW_LOOPBACK: localOnly(boolSetting(false)),
  /** Seconds before the first retry of a failed delivery; each next wait is four times longer (capped at 12 h). */
  WEBHOOK_RETRY_FIRST_SECONDS: intSetting(30),
  /** Attempts of one delivery before it is given up (8 attempts from 30 s on: about a day). */
  WEBHOOK_MAX_ATTEMPTS: intSetting(8),
  /** How long one attempt may take, connection included. */
  WEBHOOK_TIMEOUT_MS: intSetting(10_000),
});
