import { z } from 'zod';
import type { ConnectorFamily } from '../connectors/types';
import { ValidationError } from '../platform/errors';

/** What changed at a connected account: the three sources an event trigger can watch. */
export type ChangeSource = 'mail' | 'calendar' | 'files';

/** The event kinds a trigger can name, the source each watches and the filters it accepts. */
export const EVENT_KINDS = [
  {
    on: 'mail.received',
    source: 'mail',
    families: ['mail'],
    description: 'A new mail arrived in the inbox',
    filters: ['label', 'sender', 'senderDomain'],
  },
  {
    on: 'calendar.changed',
    source: 'calendar',
    families: ['calendar'],
    description: 'An event of the calendar was added, changed or cancelled',
    filters: [],
  },
  {
    on: 'files.changed',
    source: 'files',
    families: ['files'],
    description: 'A document was added or changed',
    filters: ['folderId'],
  },
] as const satisfies readonly {
  on: string;
  source: ChangeSource;
  families: readonly ConnectorFamily[];
  description: string;
  filters: readonly string[];
}[];

export type EventKind = (typeof EVENT_KINDS)[number]['on'];
const kindNames = EVENT_KINDS.map((k) => k.on) as [EventKind, ...EventKind[]];

export const sourceOf = (on: EventKind): ChangeSource => EVENT_KINDS.find((k) => k.on === on)!.source;

const address = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^@\s]+@[^@\s]+$/, 'an email address');
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a domain such as example.com');

/** Optional narrowing of a trigger: mail by label, sender or sender domain; files by folder. */
export const eventFilterSchema = z
  .object({
    label: z.string().trim().min(1).max(100).optional(),
    sender: address.optional(),
    senderDomain: domain.optional(),
    folderId: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type EventFilter = z.infer<typeof eventFilterSchema>;

export const eventTriggerSchema = z
  .object({ on: z.enum(kindNames), filter: eventFilterSchema.optional() })
  .strict()
  .superRefine((trigger, ctx) => {
    const allowed: readonly string[] = EVENT_KINDS.find((k) => k.on === trigger.on)!.filters;
    for (const key of Object.keys(trigger.filter ?? {})) {
      if (!allowed.includes(key))
        ctx.addIssue({
          code: 'custom',
          path: ['filter', key],
          message: allowed.length
            ? `${trigger.on} can be filtered by ${allowed.join(', ')} only`
            : `${trigger.on} takes no filter`,
        });
    }
  });
export type EventTrigger = z.infer<typeof eventTriggerSchema>;

/** At most one trigger per kind (a second would only repeat the first). */
export const eventTriggersSchema = z
  .array(eventTriggerSchema)
  .max(EVENT_KINDS.length)
  .refine((list) => new Set(list.map((t) => t.on)).size === list.length, 'name each event kind once');

/** A changed item as the filters see it (the fields a filter can name). */
export interface ChangedItem {
  labels?: string[];
  from?: string;
  folderIds?: string[];
}

/** True when the changed item passes the trigger's filter (no filter: every item does). */
export function matchesFilter(filter: EventFilter | undefined, item: ChangedItem): boolean {
  if (!filter) return true;
  if (filter.label) {
    const wanted = filter.label.toLowerCase();
    if (!(item.labels ?? []).some((l) => l.toLowerCase() === wanted)) return false;
  }
  const from = item.from?.toLowerCase() ?? '';
  if (filter.sender && from !== filter.sender) return false;
  if (filter.senderDomain && !(from.endsWith(`@${filter.senderDomain}`) || from.endsWith(`.${filter.senderDomain}`)))
    return false;
  if (filter.folderId && !(item.folderIds ?? []).includes(filter.folderId)) return false;
  return true;
}

/** A trigger as the API shows it. */
export const eventTriggerView = z.object({
  on: z.enum(kindNames),
  filter: z
    .object({
      label: z.string().optional(),
      sender: z.string().optional(),
      senderDomain: z.string().optional(),
      folderId: z.string().optional(),
    })
    .optional(),
});

/** GET /api/catalog/events: the kinds, the connector families each needs and the filters each takes. */
const eventKindView = z.object({
  on: z.enum(kindNames),
  source: z.enum(['mail', 'calendar', 'files']),
  families: z.array(z.enum(['mail', 'calendar', 'files'])),
  description: z.string(),
  filters: z.array(z.string()),
});
export const eventCatalogView = z.object({ items: z.array(eventKindView) });

export const eventCatalog = () => ({
  items: EVENT_KINDS.map((k) => ({ ...k, families: [...k.families], filters: [...k.filters] })),
});

/**
 * Refuses triggers the tenant cannot use yet: each kind needs a connected account of its family (as a schedule
 * needs an interval the plan allows). Paths name the trigger (`events[0].on`).
 */
export async function checkTriggersUsable(
  triggers: readonly EventTrigger[],
  hasFamily: (family: ConnectorFamily) => Promise<boolean>,
): Promise<void> {
  const errors: { path: string; message: string }[] = [];
  for (const [i, trigger] of triggers.entries()) {
    const kind = EVENT_KINDS.find((k) => k.on === trigger.on)!;
    for (const family of kind.families) {
      if (!(await hasFamily(family)))
        errors.push({ path: `events[${i}].on`, message: `connect an account with ${family} access first` });
    }
  }
  if (errors.length)
    throw new ValidationError(
      `An event trigger needs a connected account: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
}

/** GET /api/connectors/{connectorId}/sync: saved positions the account refused (each read a full window once). */
export const connectorSyncView = z.object({
  connectorId: z.string(),
  fallbacks: z.number(),
  lastFallback: z.object({ at: z.string(), agentId: z.string(), source: z.string(), reason: z.string() }).nullable(),
});
