import type { EventTrigger } from './event-kinds';
import type { TriggerIndex, TriggerTargetType } from './trigger-index';

/** How the plan's limit is checked: `current` triggers beside the target, `amount` the ones it would carry. */
type CheckLimit = (
  tenantId: string,
  limit: 'eventTriggers',
  opts: { current: number; amount: number },
) => Promise<void>;

/** Event triggers of all enabled agents and workflows of the tenant (one query in the trigger index). */
export async function countEventTriggers(index: Pick<TriggerIndex, 'ofTenant'>, tenantId: string): Promise<number> {
  return (await index.ofTenant(tenantId)).reduce((n, entry) => n + entry.triggers.length, 0);
}

/**
 * Refuses a save that would carry more event triggers than the tenant's plan allows across its enabled agents and
 * workflows (429 `limit-exceeded`). A save that adds none is always allowed, so a tenant over the limit (after a
 * change of plan) can still edit, disable or remove.
 */
export async function checkTriggerLimit(
  deps: { index: Pick<TriggerIndex, 'ofTenant'>; checkLimit: CheckLimit },
  tenantId: string,
  target: { type: TriggerTargetType; id: string },
  next: readonly EventTrigger[],
): Promise<void> {
  if (next.length === 0) return;
  let own = 0;
  let others = 0;
  for (const entry of await deps.index.ofTenant(tenantId)) {
    if (entry.targetType === target.type && entry.targetId === target.id) own += entry.triggers.length;
    else others += entry.triggers.length;
  }
  if (next.length <= own) return;
  await deps.checkLimit(tenantId, 'eventTriggers', { current: others, amount: next.length });
}
