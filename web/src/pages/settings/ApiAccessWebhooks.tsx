import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type {
  createdWebhookSchema,
  deliveryViewSchema,
  WebhookEvent,
  webhookViewSchema,
} from '../../../../shared/api-access/webhook-model';
import { apiRequest } from '../../api/client';
import { invalidatePaths, useApiQuery } from '../../api/hooks';
import type { Page } from '../../api/types';
import { ErrorNotice, Loading, Section } from '../../components/states';
import { ShownOnce } from './ApiAccessShownOnce';

type WebhookView = z.infer<typeof webhookViewSchema>;
type CreatedWebhook = z.infer<typeof createdWebhookSchema>;
type DeliveryView = z.infer<typeof deliveryViewSchema>;

const EVENTS = {
  'suggestion.created': 'A suggestion is waiting',
  'suggestion.decided': 'A suggestion was approved or rejected',
  'suggestion.executed': 'A suggestion was carried out',
  'suggestion.failed': 'A suggestion could not be carried out',
  'run.completed': 'A run finished',
  'run.failed': 'A run failed',
  'connector.needs_reauth': 'A connected account needs signing in again',
} satisfies Record<WebhookEvent, string>;

function Deliveries({ webhookId }: { webhookId: string }) {
  const client = useQueryClient();
  const path = `/webhooks/${encodeURIComponent(webhookId)}/deliveries`;
  const deliveries = useApiQuery<Page<DeliveryView>>(path);
  const [error, setError] = useState<unknown>(null);
  const redeliver = async (id: string) => {
    setError(null);
    try {
      await apiRequest(`${path}/${encodeURIComponent(id)}/redeliver`, { method: 'POST' });
      await invalidatePaths(client, [path]);
    } catch (err) {
      setError(err);
    }
  };
  if (deliveries.isLoading) return <Loading />;
  if (deliveries.error) return <ErrorNotice error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  const items = deliveries.data?.items ?? [];
  return (
    <Box sx={{ mt: 1, overflowX: 'auto' }}>
      {error ? <ErrorNotice error={error} /> : null}
      {items.length === 0 ? (
        <Typography>No deliveries yet.</Typography>
      ) : (
        <Table size="small" aria-label="Deliveries">
          <TableHead>
            <TableRow>
              <TableCell>Event</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Attempts</TableCell>
              <TableCell>Response</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell>Next retry</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map((d) => (
              <TableRow key={d.id}>
                <TableCell>{d.event}</TableCell>
                <TableCell>{d.status}</TableCell>
                <TableCell>{d.attempts}</TableCell>
                <TableCell>{d.responseStatus ?? d.error ?? '—'}</TableCell>
                <TableCell>{d.durationMs === null ? '—' : `${d.durationMs} ms`}</TableCell>
                <TableCell>{d.nextRetryAt ? d.nextRetryAt.slice(0, 16).replace('T', ' ') : '—'}</TableCell>
                <TableCell>
                  {d.event !== 'webhook.test' && (
                    <Button size="small" onClick={() => void redeliver(d.id)}>
                      Redeliver
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

function WebhookItem({ hook }: { hook: WebhookView }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const path = `/webhooks/${encodeURIComponent(hook.id)}`;
  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
      await invalidatePaths(client, ['/webhooks']);
    } catch (err) {
      setError(err);
    }
  };
  const sendTest = () =>
    act(async () => {
      const d = await apiRequest<DeliveryView>(`${path}/test`, { method: 'POST' });
      setResult(
        d.status === 'succeeded'
          ? `Test delivered: the receiver answered ${d.responseStatus} in ${d.durationMs} ms.`
          : `Test failed: ${d.error ?? `the receiver answered ${d.responseStatus}`}`,
      );
      setOpen(true);
    });
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} aria-label={`Webhook ${hook.url}`} component="section">
      <Typography sx={{ fontWeight: 600, wordBreak: 'break-all' }}>{hook.url}</Typography>
      <Typography variant="body2">
        {hook.enabled ? 'On' : `Off${hook.disabledReason ? `: ${hook.disabledReason}` : ''}`} · {hook.events.join(', ')}
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, mt: 1, flexWrap: 'wrap' }}>
        <Button size="small" variant="outlined" onClick={() => void sendTest()}>
          Send test
        </Button>
        <Button size="small" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? 'Hide deliveries' : 'Show deliveries'}
        </Button>
        <Button
          size="small"
          onClick={() => void act(() => apiRequest(path, { method: 'PATCH', body: { enabled: !hook.enabled } }))}
        >
          {hook.enabled ? 'Turn off' : 'Turn on'}
        </Button>
        <Button size="small" color="error" onClick={() => void act(() => apiRequest(path, { method: 'DELETE' }))}>
          Remove
        </Button>
      </Box>
      {result && (
        <Typography role="status" sx={{ mt: 1 }}>
          {result}
        </Typography>
      )}
      {error ? <ErrorNotice error={error} /> : null}
      {open && <Deliveries webhookId={hook.id} />}
    </Paper>
  );
}

/** Webhooks: add one (URL, events), see its signing secret once, send a test, read its deliveries. */
export function ApiAccessWebhooks({ onUnsavedChange }: { onUnsavedChange: (dirty: boolean) => void }) {
  const client = useQueryClient();
  const hooks = useApiQuery<{ items: WebhookView[] }>('/webhooks');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['suggestion.created']);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => onUnsavedChange(url.trim() !== ''), [url, onUnsavedChange]);

  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      setCreated(await apiRequest<CreatedWebhook>('/webhooks', { method: 'POST', body: { url: url.trim(), events } }));
      setUrl('');
      await invalidatePaths(client, ['/webhooks']);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Webhooks">
      <Typography sx={{ mb: 2 }}>
        We POST a signed JSON event (Standard Webhooks) to your HTTPS address when something happens, and retry for
        about a day if it fails.
      </Typography>
      <Box
        component="form"
        aria-label="New webhook"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
        sx={{ display: 'grid', gap: 2, maxWidth: 560 }}
      >
        <TextField label="Receiver URL" value={url} onChange={(e) => setUrl(e.target.value)} type="url" />
        <FormGroup aria-label="Events">
          {(Object.keys(EVENTS) as WebhookEvent[]).map((event) => (
            <FormControlLabel
              key={event}
              control={
                <Checkbox
                  checked={events.includes(event)}
                  onChange={(e) =>
                    setEvents((cur) => (e.target.checked ? [...cur, event] : cur.filter((x) => x !== event)))
                  }
                />
              }
              label={`${EVENTS[event]} (${event})`}
            />
          ))}
        </FormGroup>
        <Box>
          <Button type="submit" variant="contained" disabled={busy || !url.trim() || events.length === 0}>
            {busy ? 'Adding…' : 'Add webhook'}
          </Button>
        </Box>
      </Box>
      {created && <ShownOnce label={`The signing secret of ${created.url}.`} value={created.secret} />}
      {error ? <ErrorNotice error={error} /> : null}
      <Box sx={{ mt: 2 }}>
        {hooks.isLoading ? (
          <Loading />
        ) : hooks.error ? (
          <ErrorNotice error={hooks.error} onRetry={() => void hooks.refetch()} />
        ) : hooks.data?.items.length === 0 ? (
          <Typography>No webhooks yet.</Typography>
        ) : (
          hooks.data?.items.map((hook) => <WebhookItem key={hook.id} hook={hook} />)
        )}
      </Box>
    </Section>
  );
}
