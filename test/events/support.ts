import assert from 'node:assert/strict';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { durableStarter } from '../../shared/orchestration/durable-starter';
import type { RunView } from '../../shared/orchestration/run-model';
import { consent, deliverMail } from '../support/connectors';
import { eventually, startTestPlatform, type TestPlatform } from '../support/platform';

export interface EventsWorld {
  p: TestPlatform;
  person: { token: string; tenantId: string; email: string };
  connectorId: string;
}

/**
 * A platform with the Google emulator, polling every `pollSeconds`, and a person with Google connected (`consent`:
 * the connect request, e.g. `{ families: ['mail'] }`).
 */
export async function startEventsWorld(
  opts: { pollSeconds?: number; settings?: Record<string, string>; consent?: Record<string, unknown> } = {},
) {
  const p = await startTestPlatform({
    services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator', 'smtp-sink'],
    settings: {
      EVENT_POLL_SECONDS: String(opts.pollSeconds ?? 1),
      API_RATE_LIMIT_ENABLED: 'false',
      // Delivery is measured here, not the plan: one person's many triggered agents stay within it.
      TIER_LIMITS: JSON.stringify({ free: { eventTriggers: 100 } }),
      ...opts.settings,
    },
  });
  const person = await p.person(`ev-${Date.now()}@example.com`, 'Eve');
  const { response } = await consent(p.platform, person.token, 'google', GOOGLE_DEMO_USER.email, opts.consent);
  assert.equal(response.status, 302);
  const list = await p.json<{ items: { id: string }[] }>('/connectors', { token: person.token });
  return { p, person, connectorId: list.body.items[0]!.id } satisfies EventsWorld;
}

/** Delivers a new mail into the Gmail emulator's inbox, as `messages.import` does for a mail from outside. */
export const importMail = (w: EventsWorld, mail: { from: string; subject: string; text: string }) =>
  deliverMail(
    w.p.services,
    { tenantId: w.person.tenantId, connectorId: w.connectorId, apiRoot: w.p.platform.settings.GOOGLE_API_ROOT_URL! },
    mail,
  );

export async function createAgent(w: EventsWorld, body: Record<string, unknown>): Promise<string> {
  const res = await w.p.json<{ id: string }>('/agents', { token: w.person.token, json: body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

export async function runsOf(w: EventsWorld, agentId: string): Promise<RunView[]> {
  const res = await w.p.json<{ items: RunView[] }>(`/orchestration/runs?agentId=${agentId}&limit=100`, {
    token: w.person.token,
  });
  assert.equal(res.status, 200);
  return res.body.items;
}

const FINAL = ['completed', 'failed', 'cancelled', 'stopped'];

/** Waits until the agent has at least `count` finished runs and none in progress. */
export async function settledRuns(w: EventsWorld, agentId: string, count: number, timeoutMs = 60_000) {
  return eventually(
    () => runsOf(w, agentId),
    (runs) => runs.length >= count && runs.every((r) => FINAL.includes(r.status)),
    `${count} finished run(s) of ${agentId}`,
    timeoutMs,
  );
}

/** The system-container poll entry of the tenant's source (the test reads the index itself). */
export async function pollEntry(w: EventsWorld, source: 'mail' | 'calendar' | 'files') {
  const container = await w.p.services.cosmos().container('system');
  const { resource } = await container
    .item(`poll:${w.person.tenantId}:${source}`, 'event-polls')
    .read<{ cursor: { value: string } | null; nextPollAt: string }>();
  return resource;
}

/** Starts runs as a function with a Durable client would. */
export const launcherOf = (w: EventsWorld) => durableStarter(w.p.durableClient());
