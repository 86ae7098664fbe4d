/**
 * Microsoft, offline: the `@inbox-zero/emulate` Microsoft emulator (Entra OAuth, Graph mail, calendar, OneDrive)
 * seeded with the demo person's data. Points the app's Microsoft settings at it, so a local person connects through
 * the same OAuth code flow as in production. Skipped when a real Entra app registration is configured.
 * The emulator keeps its state in memory: after a restart the demo data is fresh and connections need reconnecting.
 */
import { randomBytes } from 'node:crypto';
import { microsoftDemoSeed, MICROSOFT_DEMO_USER } from '../demo-data/microsoft';
import { callbackUris } from '../demo-data/callback-uris';
import { startEmulator } from './emulate';
import type { EmbeddedServiceFactory } from './types';

export const createMicrosoftEmulatorService: EmbeddedServiceFactory = async (ctx) => {
  if (ctx.settings.MICROSOFT_CLIENT_ID && !ctx.settings.MICROSOFT_EMULATOR) {
    ctx.log('Microsoft: using the configured app registration (no emulator).');
    return undefined;
  }
  const clientId = 'personal-agents-local';
  const clientSecret = `local-${randomBytes(18).toString('base64url')}`;
  const seed = microsoftDemoSeed({ clientId, clientSecret, redirectUris: callbackUris(ctx, 'microsoft') });
  const emulator = await startEmulator(ctx, 'microsoft', 4003, { microsoft: seed });
  const url = emulator.url;
  ctx.log(`Microsoft emulator at ${url} (sign in as ${MICROSOFT_DEMO_USER.email})`);
  return {
    name: 'microsoft-emulator',
    env: {
      MICROSOFT_EMULATOR: url,
      MICROSOFT_CLIENT_ID: clientId,
      MICROSOFT_CLIENT_SECRET: clientSecret,
      MICROSOFT_AUTHORITY: url,
      MICROSOFT_GRAPH_BASE_URL: url,
      MICROSOFT_REVOKE_URL: `${url}/oauth2/v2.0/revoke`,
    },
    stop: () => emulator.stop(),
  };
};
