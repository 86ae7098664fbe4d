import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItemText from '@mui/material/ListItemText';
import { Link as RouterLink } from 'react-router-dom';
import { useApiQuery } from '../api/hooks';
import type { Connector, Page, Profile, Run, Suggestion, Usage } from '../api/types';
import { EmptyState, ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { FirstRunChecklist } from '../components/FirstRunChecklist';
import { LinkItem } from '../components/LinkItem';
import { StatusChip } from '../components/StatusChip';
import { UsageMeters } from '../components/UsageMeters';
import { relative, humanize } from '../lib/format';
import { providerName, suggestionTitle } from '../lib/labels';
import { labelsOf } from '../lib/requirements';

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export function HomePage() {
  const me = useApiQuery<Profile>('/me');
  const pending = useApiQuery<Page<Suggestion>>('/suggestions', { status: 'pending', limit: 100 });
  const runs = useApiQuery<Page<Run>>('/orchestration/runs', { limit: 5 });
  const usage = useApiQuery<Usage>('/usage');
  const connectors = useApiQuery<Page<Connector>>('/connectors');

  const connectorList = connectors.data?.items ?? [];
  const unhealthy = connectorList.filter((c) => c.health !== 'ok');
  const firstName = me.data?.displayName?.split(' ')[0];
  const pendingItems = pending.data?.items ?? [];

  return (
    <>
      <PageHeader
        title={firstName ? `Hello, ${firstName}` : 'Home'}
        subtitle="What your agents found, and what needs you."
      />
      {unhealthy.map((c) => (
        <Alert
          key={c.id}
          severity="warning"
          sx={{ mb: 2 }}
          action={
            <Button component={RouterLink} to="/connectors" color="inherit" size="small">
              Fix
            </Button>
          }
        >
          {providerName(c.provider)} {c.account}:{' '}
          {c.health === 'needs_reauth'
            ? 'needs reconnecting, agents cannot read it.'
            : c.health === 'needs_permission'
              ? `your agents need it to: ${labelsOf(c.missingPermissions ?? [])
                  .map(lowerFirst)
                  .join('; ')}.`
              : `${humanize(c.health).toLowerCase()}.`}
        </Alert>
      ))}
      <FirstRunChecklist />
      <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', md: '3fr 2fr' }, alignItems: 'start' }}>
        <Box>
          <Section
            title="Waiting for you"
            action={
              <Button component={RouterLink} to="/suggestions">
                Open inbox
              </Button>
            }
          >
            {pending.isLoading ? (
              <Loading />
            ) : pending.error ? (
              <ErrorNotice error={pending.error} onRetry={() => void pending.refetch()} />
            ) : pendingItems.length === 0 ? (
              <EmptyState title={(runs.data?.items.length ?? 0) > 0 ? "You're all caught up" : 'Nothing yet'}>
                New suggestions from your agents appear here.
              </EmptyState>
            ) : (
              <List disablePadding>
                {pendingItems.slice(0, 6).map((s) => (
                  <LinkItem key={s.id} to={`/suggestions?open=${encodeURIComponent(s.id)}`}>
                    <ListItemText
                      primary={suggestionTitle(s)}
                      secondary={s.expiresAt ? `Expires ${relative(s.expiresAt)}` : relative(s.createdAt)}
                    />
                  </LinkItem>
                ))}
              </List>
            )}
          </Section>
          <Section
            title="Recent runs"
            action={
              <Button component={RouterLink} to="/runs">
                All runs
              </Button>
            }
          >
            {runs.isLoading ? (
              <Loading />
            ) : runs.error ? (
              <ErrorNotice error={runs.error} />
            ) : (runs.data?.items.length ?? 0) === 0 ? (
              <EmptyState
                title="No runs yet"
                action={
                  <Button component={RouterLink} to="/catalog" variant="contained">
                    Browse agents
                  </Button>
                }
              >
                Install a pack from the catalog and run it.
              </EmptyState>
            ) : (
              <List disablePadding>
                {runs.data!.items.map((r) => (
                  <LinkItem key={r.id} to={`/runs/${encodeURIComponent(r.id)}`}>
                    <ListItemText primary={r.target.name} secondary={relative(r.startedAt ?? r.createdAt)} />
                    <StatusChip status={r.status} />
                  </LinkItem>
                ))}
              </List>
            )}
          </Section>
        </Box>
        <Section
          title={me.data?.tier ? `Your plan: ${humanize(me.data.tier)}` : 'Your plan'}
          action={
            <Button component={RouterLink} to="/settings">
              Details
            </Button>
          }
        >
          {usage.isLoading ? (
            <Loading />
          ) : usage.error ? (
            <ErrorNotice error={usage.error} />
          ) : (
            <UsageMeters usage={usage.data} />
          )}
        </Section>
      </Box>
    </>
  );
}
