import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import FormControlLabel from '@mui/material/FormControlLabel';
import Link from '@mui/material/Link';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useApiQuery } from '../api/hooks';
import type { Connector, EventKindInfo, EventTriggerValue, Page, TriggerStatus } from '../api/types';
import { fieldErrors } from '../lib/field-errors';
import { ErrorNotice, Loading } from './states';
import { TriggerStatusLines } from './TriggerStatusLines';

type Filter = NonNullable<EventTriggerValue['filter']>;

/** Each kind as the person reads it, what to connect for it, and its filters' fields. */
const KINDS: Record<string, { label: string; connect: string; fields: { key: keyof Filter; label: string }[] }> = {
  'mail.received': {
    label: 'When new mail arrives',
    connect: 'Connect Gmail or Outlook first',
    fields: [
      { key: 'sender', label: 'Only from this sender' },
      { key: 'senderDomain', label: 'Only from this domain' },
      { key: 'label', label: 'Only with this label' },
    ],
  },
  'calendar.changed': {
    label: 'When my calendar changes',
    connect: 'Connect Google Calendar or Outlook first',
    fields: [],
  },
  'files.changed': {
    label: 'When my files change',
    connect: 'Connect Google Drive or OneDrive first',
    fields: [{ key: 'folderId', label: 'Only in this folder (folder id)' }],
  },
};

/** Plain words for the API's refusals of a filter, by field. */
const FIELD_HINTS: Partial<Record<keyof Filter, string>> = {
  sender: 'Enter a full address, such as anna@example.com.',
  senderDomain: 'Enter a domain, such as example.com.',
};

/** The triggers as the API takes them: empty filter fields left out, an empty filter dropped. */
export function triggersBody(value: EventTriggerValue[]): EventTriggerValue[] {
  return value.map(({ on, filter }) => {
    const kept = Object.fromEntries(Object.entries(filter ?? {}).filter(([, v]) => v?.trim()));
    return Object.keys(kept).length ? { on, filter: kept } : { on };
  });
}

/**
 * The event triggers of an agent or workflow, beside its schedule: one switch per kind the catalog lists (kinds whose
 * connector family is not connected say what to connect), the kind's filters, and for saved triggers the last run each
 * started and how the watched accounts' changes arrive.
 */
export function TriggerEditor({
  value,
  onChange,
  target,
  saveError,
}: {
  value: EventTriggerValue[];
  onChange: (next: EventTriggerValue[]) => void;
  /** The saved agent or workflow, for its triggers' status; absent while creating. */
  target?: { type: 'agent' | 'workflow'; id: string; hasTriggers: boolean };
  saveError?: unknown;
}) {
  const catalog = useApiQuery<{ items: EventKindInfo[] }>('/catalog/events');
  const connectors = useApiQuery<Page<Connector>>('/connectors');
  const status = useApiQuery<TriggerStatus>(
    target?.hasTriggers ? `/triggers/${target.type}/${encodeURIComponent(target.id)}` : null,
    undefined,
    { refetchInterval: 5_000 },
  );
  if (catalog.error) return <ErrorNotice error={catalog.error} onRetry={() => void catalog.refetch()} />;
  if (!catalog.data || !connectors.data) return <Loading />;

  const errors = fieldErrors(saveError);
  const families = new Set(connectors.data.items.flatMap((c) => c.families));
  const limitReached = triggerLimitOf(saveError);
  const update = (on: string, next: EventTriggerValue | null) =>
    onChange(
      next === null
        ? value.filter((t) => t.on !== on)
        : value.some((t) => t.on === on)
          ? value.map((t) => (t.on === on ? next : t))
          : [...value, next],
    );

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      {catalog.data.items.map((kind) => {
        const words = KINDS[kind.on] ?? { label: kind.description, connect: 'Connect an account first', fields: [] };
        const index = value.findIndex((t) => t.on === kind.on);
        const trigger = index >= 0 ? value[index] : undefined;
        const connected = kind.families.every((f) => families.has(f));
        const state = status.data?.triggers.find((t) => t.on === kind.on);
        const kindError = index >= 0 ? errors[`events[${index}].on`] : undefined;
        const switchId = `trigger-${kind.on.replace('.', '-')}`;
        return (
          <Box key={kind.on} component="fieldset" sx={{ border: 0, p: 0, m: 0, display: 'grid', gap: 1 }}>
            <FormControlLabel
              control={
                <Switch
                  id={switchId}
                  checked={!!trigger}
                  disabled={!connected && !trigger}
                  onChange={(e) => update(kind.on, e.target.checked ? { on: kind.on } : null)}
                />
              }
              label={words.label}
            />
            {!connected && (
              <Typography variant="body2" color="text.secondary">
                {words.connect}:{' '}
                <Link component={RouterLink} to="/connectors">
                  Connections
                </Link>
              </Typography>
            )}
            {kindError && <Typography color="error">{kindError}</Typography>}
            {trigger && words.fields.length > 0 && (
              <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
                {words.fields.map((field) => {
                  const message = errors[`events[${index}].filter.${field.key}`];
                  return (
                    <TextField
                      key={field.key}
                      label={field.label}
                      value={trigger.filter?.[field.key] ?? ''}
                      onChange={(e) =>
                        update(kind.on, { ...trigger, filter: { ...trigger.filter, [field.key]: e.target.value } })
                      }
                      error={!!message}
                      helperText={message ? (FIELD_HINTS[field.key] ?? message) : undefined}
                      sx={{ minWidth: 220, flex: '1 1 220px' }}
                    />
                  );
                })}
              </Box>
            )}
            {trigger && state && <TriggerStatusLines state={state} />}
          </Box>
        );
      })}
      {limitReached && <Alert severity="warning">{limitReached.detail}</Alert>}
    </Box>
  );
}

/** A save refused for the plan's event-trigger limit: the editor explains it beside the triggers, the page need not. */
export function triggerLimitOf(error: unknown): ApiError | null {
  return error instanceof ApiError && error.limit === 'eventTriggers' ? error : null;
}
