import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import { invalidatePaths, useApiMutation, useApiQuery } from '../api/hooks';
import type { Page, Run, Suggestion } from '../api/types';
import { LinkItem } from '../components/LinkItem';
import { ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { StatusChip } from '../components/StatusChip';
import { count, dateTime, money } from '../lib/format';
import { suggestionTitle } from '../lib/labels';
import { plural } from '../lib/plural';
import { isActive, progressOf, runErrorText, stopLimitText, totalTokens } from '../lib/run';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Box>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography sx={{ fontWeight: 600, fontSize: '1.1rem' }}>{value}</Typography>
    </Box>
  );
}

function duration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

export function RunDetailPage() {
  const { runId = '' } = useParams();
  const path = `/orchestration/runs/${encodeURIComponent(runId)}`;
  const run = useApiQuery<Run>(path, undefined, {
    refetchInterval: (q) => (q.state.data && !isActive(q.state.data) ? false : 1500),
  });
  const done = run.data && !isActive(run.data);
  const suggestions = useApiQuery<Page<Suggestion>>(
    done && run.data!.suggestionIds.length > 0 ? '/suggestions' : null,
    { runId, limit: 100 },
  );
  const client = useQueryClient();
  // When the run ends, what it produced shows everywhere (inbox, badge, dashboard, usage, audit).
  useEffect(() => {
    if (done)
      void invalidatePaths(client, ['/suggestions', '/dashboard', '/usage', '/audit', '/orchestration/runs', '/me']);
  }, [done, client]);
  const cancel = useApiMutation(() => ({ path: `${path}/cancel`, method: 'POST' }), [path, '/orchestration/runs']);

  if (run.isLoading) return <Loading label="Loading the run…" />;
  if (run.error || !run.data) return <ErrorNotice error={run.error} onRetry={() => void run.refetch()} />;
  const r = run.data;
  const active = isActive(r);
  const progress = progressOf(r);
  const error = runErrorText(r);
  const limit = stopLimitText(r);
  const produced = suggestions.data?.items ?? [];

  return (
    <>
      <PageHeader
        title={r.target.name}
        subtitle={
          <>
            {r.trigger.type === 'schedule' ? 'Scheduled run' : 'Run by you'} · started{' '}
            {dateTime(r.startedAt ?? r.createdAt)}
            {r.finishedAt ? ` · finished ${dateTime(r.finishedAt)}` : ''}
          </>
        }
        actions={
          active && !r.cancelRequested ? (
            <Button
              color="error"
              variant="outlined"
              onClick={() => cancel.mutate(undefined)}
              disabled={cancel.isPending}
            >
              Cancel run
            </Button>
          ) : undefined
        }
      />
      {cancel.error && <ErrorNotice error={cancel.error} />}
      <Section title="Progress" action={<StatusChip status={r.status} size="medium" />}>
        <Box aria-live="polite">
          {active && (
            <>
              <LinearProgress
                variant={progress.percent !== undefined && progress.percent > 0 ? 'determinate' : 'indeterminate'}
                value={progress.percent}
                aria-label="Run progress"
                sx={{ height: 8, borderRadius: 4, mb: 1 }}
              />
              <Typography color="text.secondary">
                {r.cancelRequested ? 'Cancelling: the run stops before its next step…' : progress.message}
              </Typography>
            </>
          )}
          {r.status === 'completed' && (
            <Typography>
              Finished in {duration(r.durationMs)}.{' '}
              {r.suggestionIds.length === 0
                ? 'Nothing needed your attention.'
                : `${plural(r.suggestionIds.length, 'suggestion is', 'suggestions are')} waiting for you.`}
            </Typography>
          )}
          {error && (
            <Alert severity={r.status === 'failed' ? 'error' : 'info'} sx={{ mt: 1 }}>
              {limit && <AlertTitle>{limit}</AlertTitle>}
              {error}
            </Alert>
          )}
        </Box>
      </Section>
      <Section title="Steps">
        <TableContainer tabIndex={0} role="region" aria-label="Steps (scrolls sideways on small screens)">
          <Table size="small" aria-label="Steps">
            <TableHead>
              <TableRow>
                <TableCell>Step</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>What it did</TableCell>
                <TableCell align="right">Items read</TableCell>
                <TableCell align="right">Tokens</TableCell>
                <TableCell align="right">Cost</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {r.steps.map((s) => (
                <TableRow key={s.id}>
                  <TableCell>
                    {s.name}
                    {s.role === 'coordinator' ? ' (combines the others)' : ''}
                  </TableCell>
                  <TableCell>
                    <StatusChip status={s.status} />
                  </TableCell>
                  <TableCell>{s.error ?? s.summary ?? (s.status === 'running' ? 'Working…' : '—')}</TableCell>
                  <TableCell align="right">{count(s.itemCount)}</TableCell>
                  <TableCell align="right">{count(totalTokens(s.tokens))}</TableCell>
                  <TableCell align="right">{money(s.costUsd)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </Section>
      <Section title="Usage">
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr 1fr', sm: 'repeat(4, 1fr)' } }}>
          <Stat label="Prompt tokens" value={count(r.tokens.prompt)} />
          <Stat label="Completion tokens" value={count(r.tokens.completion)} />
          <Stat label="Cost" value={money(r.costUsd)} />
          <Stat label="Models" value={[...new Set(r.steps.map((s) => s.model).filter(Boolean))].join(', ') || '—'} />
        </Box>
      </Section>
      {r.suggestionIds.length > 0 && (
        <Section
          title="Suggestions from this run"
          action={
            <Button component={RouterLink} to="/suggestions">
              Open inbox
            </Button>
          }
        >
          {suggestions.isLoading || !done ? (
            <Loading />
          ) : suggestions.error ? (
            <ErrorNotice error={suggestions.error} />
          ) : (
            <List disablePadding>
              {produced.map((s) => (
                <LinkItem key={s.id} to={`/suggestions?open=${encodeURIComponent(s.id)}&status=${s.status}`}>
                  <ListItemText primary={suggestionTitle(s)} />
                  <StatusChip status={s.status} />
                </LinkItem>
              ))}
              {produced.length === 0 && (
                <ListItem>
                  <ListItemText primary="These suggestions are no longer available." />
                </ListItem>
              )}
            </List>
          )}
        </Section>
      )}
    </>
  );
}
