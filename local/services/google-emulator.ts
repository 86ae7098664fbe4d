/**
 * Google, offline: the `@inbox-zero/emulate` Google emulator (OAuth, Gmail, Calendar, Drive) seeded with the demo
 * person's mailbox, calendar and documents. Points the app's Google settings at it, so a local person connects
 * through the same OAuth code flow as in production. Skipped when a real Google OAuth client is configured.
 * The emulator keeps its state in memory: after a restart the demo data is fresh and connections need reconnecting.
 */
import { randomBytes } from 'node:crypto';
import { googleDemoSeed, GOOGLE_DEMO_USER } from '../demo-data/google';
import { callbackUris } from '../demo-data/callback-uris';
import { startEmulator } from './emulate';
import type { EmbeddedServiceFactory } from './types';

export const createGoogleEmulatorService: EmbeddedServiceFactory = async (ctx) => {
  if (ctx.settings.GOOGLE_CLIENT_ID && !ctx.settings.GOOGLE_EMULATOR) {
    ctx.log('Google: using the configured OAuth client (no emulator).');
    return undefined;
  }
  const clientId = 'personal-agents-local.apps.googleusercontent.com';
  const clientSecret = `local-${randomBytes(18).toString('base64url')}`;
  const seed = googleDemoSeed({ clientId, clientSecret, redirectUris: callbackUris(ctx, 'google') });
  const emulator = await startEmulator(ctx, 'google', 4002, { google: seed });
  const url = emulator.url;
  ctx.log(`Google emulator at ${url} (sign in as ${GOOGLE_DEMO_USER.email})`);
  return {
    name: 'google-emulator',
    env: {
      GOOGLE_EMULATOR: url,
      GOOGLE_CLIENT_ID: clientId,
      GOOGLE_CLIENT_SECRET: clientSecret,
      GOOGLE_AUTH_URL: `${url}/o/oauth2/v2/auth`,
      GOOGLE_TOKEN_URL: `${url}/oauth2/token`,
      GOOGLE_REVOKE_URL: `${url}/oauth2/revoke`,
      GOOGLE_USERINFO_URL: `${url}/oauth2/v2/userinfo`,
      GOOGLE_API_ROOT_URL: `${url}/`,
    },
    stop: () => emulator.stop(),
  };
};
