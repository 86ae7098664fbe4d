import { getSettings, type Settings } from '../platform/config';
import { systemClock, type Clock } from '../platform/clock';
import type { Services } from './services-type';
import { wirePlatform } from './wiring/platform';
import { wireIdentity } from './wiring/identity';
import { wireSuggestions } from './wiring/suggestions';
import { wireConnectors } from './wiring/connectors';
import { wireAgents } from './wiring/agents';
import { wireApiAccess } from './wiring/api-access';
import { wireEvents } from './wiring/events';
import { wirePush } from './wiring/push';

export type { Services };

/**
 * The composition root: builds each adapter and service once, on first use, from the settings.
 * Functions get their services from here; tests and the local runtime configure it through app settings,
 * so the same wiring runs everywhere.
 */
export function createServices(settings: Settings, clock: Clock = systemClock): Services {
  // Every getter is lazy, so a context's wiring may use any other context's getters inside its factories; getters it
  // hands on as they are (e.g. `audit: root.audit`) must come from a context wired before it.
  const root = { settings, clock } as Services;
  for (const wire of [
    wirePlatform,
    wireIdentity,
    wireSuggestions,
    wireConnectors,
    wireAgents,
    wireApiAccess,
    wireEvents,
    wirePush,
  ])
    Object.assign(root, wire(root));
  return root;
}

let services: Services | undefined;

/** This process's services. */
export function getServices(): Services {
  services ??= createServices(getSettings());
  return services;
}
