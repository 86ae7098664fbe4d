import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { Link as RouterLink, useParams } from 'react-router-dom';
import { useApiMutation, useApiQuery } from '../api/hooks';
import type { Agent, Page, Run, Suggestion } from '../api/types';
import { ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { LinkItem } from '../components/LinkItem';
import { StatusChip } from '../components/StatusChip';
import { count, dateTime, humanize, money } from '../lib/format';
import { suggestionTitle } from '../lib/labels';
import { isActive, progressOf, runCost, runErrorText } from '../lib/run';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Box>
      <Typography variant="body2" color="text.secondary">{label}</Typography>
      <Typography sx={{ fontWeight: 600, fontSize: '1.1rem' }}>{value}</Typography>
    </Box>
  );
}

function inputsOf(run: Run): { label: string; detail: string }[] {
  const raw = run.inputs;
  if (!raw) return [];
  if (Array.isArray(raw)) return raw.map((i) => ({ label: humanize(i.source), detail: i.detail ?? (i.count !== undefined ? `${i.count} item(s)` : '') }));
  return Object.entries(raw).map(([k, v]) => ({ label: humanize(k), detail: typeof v === 'number' ? `${v} item(s)` : typeof v === 'string' ? v : JSON.stringify(v) }));
}

export function RunDetailPage() {
  const { runId = '' } = useParams();
  const path = `/orchestration/runs/${encodeURIComponent(runId)}`;
  const run = useApiQuery<Run>(path, undefined, { refetchInterval: (q) => (q.state.data && !isActive(q.state.data) ? false : 1500) });
  const agent = useApiQuery<Agent>(run.data?.agentId ? `/agents/${encodeURIComponent(run.data.agentId)}` : null, undefined, { retry: false });
  const suggestions = useApiQuery<Page<Suggestion>>(run.data && !isActive(run.data) && (run.data.suggestionIds?.length ?? 0) > 0 ? '/suggestions' : null, { runId, limit: 100 });
  const cancel = useApiMutation(() => ({ path: `${path}/cancel`, method: 'POST' }), [path, '/orchestration/runs']);

  if (run.isLoading) return <Loading label="Loading the run…" />;
  if (run.error || !run.data) return <ErrorNotice error={run.error} onRetry={() => void run.refetch()} />;
  const r = run.data;
  const active = isActive(r);
  const progress = progressOf(r);
  const error = runErrorText(r);
  const ids = new Set(r.suggestionIds ?? []);
  const produced = (suggestions.data?.items ?? []).filter((s) => ids.has(s.id));
  const tokens = r.tokens;

  return (
    <>
      <PageHeader
        title={r.agentName ?? agent.data?.name ?? 'Run'}
        subtitle={<>Started {dateTime(r.startedAt ?? r.createdAt)}{r.completedAt ? ` · finished ${dateTime(r.completedAt)}` : ''}</>}
        actions={active && r.status !== 'cancelling' ? (
          <Button color="error" variant="outlined" onClick={() => cancel.mutate(undefined)} disabled={cancel.isPending}>Cancel run</Button>
        ) : undefined}
      />
      {cancel.error && <ErrorNotice error={cancel.error} />}
      <Section title="Progress" action={<StatusChip status={r.status} size="medium" />}>
        <Box aria-live="polite">
          {active && (
            <>
              <LinearProgress
                variant={progress.percent !== undefined ? 'determinate' : 'indeterminate'}
                value={progress.percent}
                aria-label="Run progress"
                sx={{ height: 8, borderRadius: 4, mb: 1 }}
              />
              <Typography color="text.secondary">{progress.message ?? 'Working…'}</Typography>
            </>
          )}
          {r.status === 'completed' && <Typography>Finished. {ids.size === 0 ? 'Nothing needed your attention.' : `${ids.size} suggestion(s) are waiting for you.`}</Typography>}
          {error && <Alert severity={r.status === 'failed' ? 'error' : 'info'} sx={{ mt: 1 }}>{error}</Alert>}
        </Box>
        {(r.steps?.length ?? 0) > 0 && (
          <List aria-label="Steps" dense sx={{ mt: 1 }}>
            {r.steps!.map((s, i) => (
              <ListItem key={`${s.name}-${i}`} divider secondaryAction={<StatusChip status={s.status} />}>
                <ListItemText primary={humanize(s.name)} secondary={s.detail ?? (s.completedAt ? `done ${dateTime(s.completedAt)}` : s.startedAt ? `started ${dateTime(s.startedAt)}` : undefined)} />
              </ListItem>
            ))}
          </List>
        )}
      </Section>
      <Section title="Usage">
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr 1fr', sm: 'repeat(4, 1fr)' } }}>
          <Stat label="Prompt tokens" value={count(tokens?.prompt)} />
          <Stat label="Completion tokens" value={count(tokens?.completion)} />
          <Stat label="Cost" value={money(runCost(r))} />
          <Stat label="Trigger" value={humanize(r.trigger) || 'Manual'} />
        </Box>
        {inputsOf(r).length > 0 && (
          <>
            <Typography variant="h3" component="h3" sx={{ mt: 3, mb: 1 }}>What it read</Typography>
            <List dense>
              {inputsOf(r).map((i) => <ListItem key={i.label} disableGutters><ListItemText primary={i.label} secondary={i.detail} /></ListItem>)}
            </List>
          </>
        )}
      </Section>
      {ids.size > 0 && (
        <Section title="Suggestions from this run" action={<Button component={RouterLink} to="/suggestions">Open inbox</Button>}>
          {suggestions.isLoading ? <Loading /> : (
            <List disablePadding>
              {(produced.length ? produced : [...ids].map((id) => ({ id } as Suggestion))).map((s) => (
                <LinkItem key={s.id} to={`/suggestions?open=${encodeURIComponent(s.id)}`}>
                  <ListItemText primary={s.kind ? suggestionTitle(s) : `Suggestion ${s.id}`} />
                  {s.status && <StatusChip status={s.status} />}
                </LinkItem>
              ))}
            </List>
          )}
        </Section>
      )}
    </>
  );
}
