import { z } from 'zod';
import type { ConnectorFamily, ConnectorInfo } from '../connectors/types';
import { providerName } from '../connectors/view';
import { EVENT_KINDS, eventTriggerView, type EventKind, type EventTrigger } from './event-kinds';
import type { TriggerStateDoc } from './coalescer';

const kindNames = EVENT_KINDS.map((k) => k.on) as [EventKind, ...EventKind[]];

/**
 * How changes reach a trigger from one connected account: `push` while the provider sends them (until `expiresAt`,
 * renewed ahead of it), `polling` every `pollSeconds` (where push is off, or its channel failed: `reason`), or
 * `attention` when the connection must be reconnected before anything is read (`reason`).
 */
export const triggerAccountView = z.object({
  connectorId: z.string(),
  provider: providerName,
  account: z.string(),
  mode: z.enum(['push', 'polling', 'attention']),
  expiresAt: z.string().optional(),
  pollSeconds: z.number().optional(),
  reason: z.string().optional(),
});
export type TriggerAccount = z.infer<typeof triggerAccountView>;

/** GET /api/triggers/{targetType}/{targetId}: how an agent's or workflow's event triggers stand. */
export const triggerStatusView = z.object({
  events: z.array(eventTriggerView),
  /** How changes reach the triggers: polling every `pollSeconds` (push receivers also call the same seam). */
  delivery: z.object({ mode: z.enum(['polling']), pollSeconds: z.number() }),
  /** Each trigger: the connected accounts it watches and how their changes arrive, and the last run it started. */
  triggers: z.array(
    z.object({
      on: z.enum(kindNames),
      accounts: z.array(triggerAccountView),
      lastStartedAt: z.string().nullable(),
      lastRunId: z.string().nullable(),
    }),
  ),
  lastTrigger: z.object({ on: z.enum(kindNames), at: z.string(), runId: z.string().nullable() }).nullable(),
  inFlightRunId: z.string().nullable(),
  /** Changes arrived during the run in flight: one more run follows it. */
  followUpPending: z.boolean(),
});
export type TriggerStatus = z.infer<typeof triggerStatusView>;

/** How one account's changes of a source arrive: its health first (a broken connection reads nothing), then push. */
function accountDelivery(connector: ConnectorInfo, source: string, pollSeconds: number): TriggerAccount {
  const base = { connectorId: connector.id, provider: connector.provider, account: connector.account };
  if (connector.health === 'needs_reauth' || connector.health === 'revoked')
    return { ...base, mode: 'attention', reason: connector.lastError ?? 'The connection needs to be reconnected.' };
  const push = connector.push?.find((p) => p.source === source);
  if (push?.mode === 'push') return { ...base, mode: 'push', ...(push.expiresAt ? { expiresAt: push.expiresAt } : {}) };
  return { ...base, mode: 'polling', pollSeconds, ...(push?.reason ? { reason: push.reason } : {}) };
}

/** The status view from the target's triggers, its coalescer state and the tenant's connectors (with push states). */
export function triggerStatus(
  events: readonly EventTrigger[],
  state: Pick<TriggerStateDoc, 'lastTrigger' | 'inFlightRunId' | 'dirty'> | undefined,
  connectors: readonly ConnectorInfo[],
  pollSeconds: number,
): TriggerStatus {
  const last = state?.lastTrigger ?? null;
  return {
    events: [...events],
    delivery: { mode: 'polling', pollSeconds },
    triggers: events.map((trigger) => {
      const kind = EVENT_KINDS.find((k) => k.on === trigger.on)!;
      const families: readonly ConnectorFamily[] = kind.families;
      const accounts = connectors.filter((c) => families.some((f) => c.families.includes(f)));
      const mine = last?.on === trigger.on ? last : null;
      return {
        on: trigger.on,
        accounts: accounts.map((c) => accountDelivery(c, kind.source, pollSeconds)),
        lastStartedAt: mine?.at ?? null,
        lastRunId: mine?.runId ?? null,
      };
    }),
    lastTrigger: last ? { on: last.on, at: last.at, runId: last.runId } : null,
    inFlightRunId: state?.inFlightRunId ?? null,
    followUpPending: state?.dirty ?? false,
  };
}
