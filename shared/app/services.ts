import { getSettings, type Settings } from '../platform/config';
import { systemClock, type Clock } from '../platform/clock';
import { createCosmosStore, type CosmosStore } from '../platform/cosmos/store';
import { createBlobStore, type BlobStore } from '../platform/blob/blob-store';
import { createEventPublisher, type EventPublisher } from '../platform/events/publisher';
import { createJwtAuthenticator } from '../identity/jwt-authenticator';
import type { Authenticator } from '../identity/principal';
import { lazy } from '../platform/lazy';
import { AuditLog } from '../platform/audit/audit-log';

/**
 * The composition root: builds each adapter and service once, on first use, from the settings.
 * Functions get their services from here; tests and the local runtime configure it through app settings,
 * so the same wiring runs everywhere. Each context adds its services as lazy getters below.
 */
export interface Services {
  settings: Settings;
  clock: Clock;
  cosmos: () => CosmosStore;
  blobs: () => BlobStore;
  events: () => EventPublisher;
  authenticator: () => Authenticator;
  audit: () => AuditLog;
}

export function createServices(settings: Settings, clock: Clock = systemClock): Services {
  const cosmos = lazy(() => createCosmosStore(settings));
  const blobs = lazy(() => createBlobStore(settings));
  const events = lazy(() => createEventPublisher(settings));
  const authenticator = lazy(() =>
    createJwtAuthenticator({
      issuer: settings.AUTH_ISSUER,
      audience: settings.AUTH_AUDIENCE,
      jwksUri: settings.AUTH_JWKS_URI,
      clockSkewSeconds: settings.AUTH_CLOCK_SKEW_SECONDS,
    }),
  );
  const audit = lazy(() => new AuditLog(cosmos(), clock));
  return { settings, clock, cosmos, blobs, events, authenticator, audit };
}

let services: Services | undefined;

/** This process's services. */
export function getServices(): Services {
  services ??= createServices(getSettings());
  return services;
}
