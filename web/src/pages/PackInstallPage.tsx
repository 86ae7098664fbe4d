import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link as RouterLink, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, apiRequest } from '../api/client';
import { startConsent } from '../api/connect-start';
import { invalidatePaths, useApiQuery } from '../api/hooks';
import type { Connector, PackOffer, Page, Profile } from '../api/types';
import { ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { PROVIDER_LABELS, providerName } from '../lib/labels';
import { labelsOf, packRequirements } from '../lib/requirements';
import { describeSchedule } from '../lib/schedule-text';
import { plural } from '../lib/plural';

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export function PackInstallPage() {
  const { packId = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const pack = useApiQuery<PackOffer>(`/catalog/packs/${encodeURIComponent(packId)}`);
  const connectors = useApiQuery<Page<Connector>>('/connectors');
  const me = useApiQuery<Profile>('/me');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Back from granting access for this install: it goes on by itself once nothing is missing any more.
  const continuing = params.get('continue') === '1';
  const continued = useRef(false);

  const install = async () => {
    setBusy(true);
    setError(null);
    try {
      await apiRequest(`/packs/${encodeURIComponent(packId)}/install`, { method: 'POST', body: {} });
      await invalidatePaths(client, ['/packs', '/agents', '/workflows', '/usage', '/connectors']);
      navigate('/agents', {
        state: { notice: `${pack.data!.name} is installed. Run an agent now or let its schedule do it.` },
      });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const toGrant = pack.data?.permissionsToGrant ?? [];
  useEffect(() => {
    if (!continuing || continued.current || !pack.data || pack.isFetching || toGrant.length > 0) return;
    continued.current = true;
    void install();
  });

  if (pack.isLoading) return <Loading />;
  if (pack.error || !pack.data) return <ErrorNotice error={pack.error} />;
  const needs = packRequirements(pack.data);
  const connected = new Set(
    (connectors.data?.items ?? []).filter((c) => c.health !== 'revoked').map((c) => c.provider as string),
  );
  // The pack works with whichever of its providers is connected (e.g. Gmail or Outlook).
  const noneConnected = needs.length > 0 && needs.every((n) => !connected.has(n.provider));

  const zone = me.data?.timezone;
  const scheduleText = (cron: string | null) => describeSchedule(cron ? { cron, timezone: zone ?? '' } : null, zone);
  // Workflows whose own schedule runs more often than the person's plan allows install with a sparser one.
  const adjusted = pack.data.workflows.filter((w) => w.cron !== w.planCron);
  const refusedForRoom = error instanceof ApiError && error.status === 429;

  /** Asks the first account that lacks a permission for it; the consent comes back here and the install goes on. */
  const grantAndInstall = async () => {
    const first = toGrant[0]!;
    setBusy(true);
    setError(null);
    try {
      await startConsent(first.provider, {
        connectorId: first.connectorId,
        scopes: first.permissions.map((m) => m.scope),
        returnTo: `/catalog/packs/${encodeURIComponent(packId)}/install?continue=1`,
      });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={`Install ${pack.data.name}`} subtitle={pack.data.description} />
      <Section title="What it adds">
        <List dense aria-label="Agents and workflows">
          {pack.data.agents.map((a) => (
            <ListItem key={a.key} disableGutters>
              <ListItemText primary={a.name} secondary="Agent" />
            </ListItem>
          ))}
          {pack.data.workflows.map((w) => (
            <ListItem key={w.key} disableGutters>
              <ListItemText primary={w.name} secondary={`Workflow · ${scheduleText(w.planCron)}`} />
            </ListItem>
          ))}
        </List>
        {adjusted.map((w) => (
          <Alert key={w.key} severity="info" sx={{ mt: 1 }}>
            {w.name} normally runs {lowerFirst(scheduleText(w.cron))}. Your {me.data?.tier ?? ''} plan runs schedules at
            most every {plural(me.data?.usage.scheduleMinIntervalMinutes.max ?? 0, 'minute', 'minutes')}, so it will run{' '}
            {lowerFirst(scheduleText(w.planCron))}. You can change it after installing.
          </Alert>
        ))}
      </Section>
      <Section title="What this pack may access">
        {needs.length === 0 ? (
          <Typography>This pack does not read any of your accounts.</Typography>
        ) : (
          <>
            <Typography color="text.secondary" sx={{ mb: 2 }}>
              It works with whichever of these accounts you connect, and asks each for exactly these permissions:
            </Typography>
            <Box sx={{ display: 'grid', gap: 2 }}>
              {needs.map((need) => (
                <Box
                  key={need.provider}
                  component="section"
                  aria-label={PROVIDER_LABELS[need.provider] ?? need.provider}
                >
                  <Typography variant="h3" component="h3">
                    {PROVIDER_LABELS[need.provider] ?? need.provider}
                  </Typography>
                  <List dense aria-label={`Permissions for ${need.provider}`}>
                    {need.labels.map((label) => (
                      <ListItem key={label} disableGutters>
                        <ListItemText primary={label} />
                      </ListItem>
                    ))}
                  </List>
                </Box>
              ))}
            </Box>
          </>
        )}
        <Alert severity="info" sx={{ mt: 2 }}>
          Agents in this pack only read and propose. Every reply, event or document waits for your approval.
        </Alert>
        {toGrant.map((grant) => (
          <Alert
            key={grant.connectorId}
            severity="warning"
            sx={{ mt: 2 }}
            role="region"
            aria-label={`Permissions to grant on ${providerName(grant.provider)} ${grant.account}`}
          >
            Your {providerName(grant.provider)} account {grant.account} has not given these permissions yet:
            <Box component="ul" sx={{ my: 0.5, pl: 3 }}>
              {labelsOf(grant.permissions).map((label) => (
                <li key={label}>{label}</li>
              ))}
            </Box>
            {providerName(grant.provider)} asks you for them, then the install goes on.
          </Alert>
        ))}
        {noneConnected && (
          <Alert
            severity="warning"
            sx={{ mt: 2 }}
            action={
              <Button component={RouterLink} to="/connectors" color="inherit" size="small">
                Connect
              </Button>
            }
          >
            None of these accounts is connected yet. The agents will wait until you connect one.
          </Alert>
        )}
        {refusedForRoom ? (
          <Alert
            severity="warning"
            sx={{ mt: 2 }}
            action={
              <Button component={RouterLink} to="/agents" color="inherit" size="small">
                Manage agents
              </Button>
            }
          >
            {error.detail}
          </Alert>
        ) : error ? (
          <ErrorNotice error={error} />
        ) : null}
        <Box sx={{ display: 'flex', gap: 1, mt: 3, flexWrap: 'wrap' }}>
          {toGrant.length > 0 ? (
            <Button variant="contained" onClick={() => void grantAndInstall()} disabled={busy}>
              {busy ? 'Opening…' : 'Grant access and install'}
            </Button>
          ) : (
            <Button variant="contained" onClick={() => void install()} disabled={busy}>
              {busy ? 'Installing…' : 'Allow and install'}
            </Button>
          )}
          <Button component={RouterLink} to="/catalog">
            Cancel
          </Button>
        </Box>
      </Section>
    </>
  );
}
