/**
 * The embedded services `npm start` runs next to the app, by name, in start order. A factory resolves to undefined
 * when its settings point at a real endpoint instead (then nothing local is started).
 * `startLocalPlatform({ services: [...] })` starts only the named ones.
 */
import { createAzuriteService } from './azurite';
import { createCosmosService } from './cosmos';
import { createDevOidcService } from './dev-oidc';
import { createSmtpSinkService } from './smtp-sink';
import { createGoogleEmulatorService } from './google-emulator';
import { createMicrosoftEmulatorService } from './microsoft-emulator';
import type { EmbeddedServiceFactory } from './types';

export const embeddedServices: Record<string, EmbeddedServiceFactory> = {
  cosmos: createCosmosService,
  azurite: createAzuriteService,
  'dev-oidc': createDevOidcService,
  'smtp-sink': createSmtpSinkService,
  'google-emulator': createGoogleEmulatorService,
  'microsoft-emulator': createMicrosoftEmulatorService,
};
