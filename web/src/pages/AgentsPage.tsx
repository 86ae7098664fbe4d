import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink, useLocation } from 'react-router-dom';
import { useApiMutation, useApiQuery } from '../api/hooks';
import type { Agent, Page, Profile, Template, Workflow } from '../api/types';
import { WorkflowScheduleDialog } from '../components/WorkflowScheduleDialog';
import { EmptyState, ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { dateTime } from '../lib/format';
import { describeSchedule } from '../lib/schedule-text';
import { useRunNow } from '../lib/useRunNow';

export function AgentsPage() {
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  const agents = useApiQuery<Page<Agent>>('/agents', { limit: 100 });
  const workflows = useApiQuery<Page<Workflow>>('/workflows', { limit: 100 });
  const templates = useApiQuery<Page<Template>>('/catalog/templates');
  const client = useQueryClient();
  const me = useApiQuery<Profile>('/me');
  const [scheduling, setScheduling] = useState<Workflow | null>(null);
  const runNow = useRunNow();
  const toggle = useApiMutation(
    (a: { id: string; enabled: boolean }) => ({
      path: `/agents/${encodeURIComponent(a.id)}`,
      method: 'PATCH',
      body: { enabled: a.enabled },
    }),
    ['/agents'],
  );
  const toggleWorkflow = useApiMutation(
    (w: { id: string; enabled: boolean }) => ({
      path: `/workflows/${encodeURIComponent(w.id)}`,
      method: 'PATCH',
      body: { enabled: w.enabled },
    }),
    ['/workflows'],
  );
  const agentName = (id: string) => agents.data?.items.find((a) => a.id === id)?.name ?? 'an agent';
  const templateName = (id: string) => (templates.data?.items ?? []).find((t) => t.id === id)?.name ?? id;

  /** Switches being changed (id -> the new state): a switch moves at once and shows the server's state again once the change settles. */
  const [switching, setSwitching] = useState<Record<string, boolean>>({});
  const settled = (id: string) => () => setSwitching(({ [id]: _, ...rest }) => rest);

  const setWorkflowEnabled = async (workflow: Workflow, enabled: boolean) => {
    setSwitching((s) => ({ ...s, [workflow.id]: enabled }));
    // A refetch still under way must not overwrite the new state with the old one.
    await client.cancelQueries({ queryKey: ['/workflows'] });
    client.setQueryData<Page<Workflow>>(
      ['/workflows', { limit: 100 }],
      (old) => old && { ...old, items: old.items.map((w) => (w.id === workflow.id ? { ...w, enabled } : w)) },
    );
    toggleWorkflow.mutate({ id: workflow.id, enabled }, { onSettled: settled(workflow.id) });
  };

  const setEnabled = async (agent: Agent, enabled: boolean) => {
    // Optimistic: the switch moves at once and moves back if the change is refused. A refetch still under way
    // must not overwrite it with the old state.
    setSwitching((s) => ({ ...s, [agent.id]: enabled }));
    await client.cancelQueries({ queryKey: ['/agents'] });
    client.setQueryData<Page<Agent>>(
      ['/agents', { limit: 100 }],
      (old) => old && { ...old, items: old.items.map((a) => (a.id === agent.id ? { ...a, enabled } : a)) },
    );
    toggle.mutate({ id: agent.id, enabled }, { onSettled: settled(agent.id) });
  };

  return (
    <>
      <PageHeader
        title="Agents"
        subtitle="Each agent reads what you allowed and proposes actions for you to approve."
        actions={
          <Button variant="contained" component={RouterLink} to="/catalog">
            Add agents
          </Button>
        }
      />
      {notice && (
        <Alert severity="success" sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      {runNow.error ? <ErrorNotice error={runNow.error} /> : null}
      {toggle.error && <ErrorNotice error={toggle.error} />}
      {toggleWorkflow.error && <ErrorNotice error={toggleWorkflow.error} />}
      {agents.isLoading ? (
        <Loading />
      ) : agents.error ? (
        <ErrorNotice error={agents.error} onRetry={() => void agents.refetch()} />
      ) : agents.data!.items.length === 0 ? (
        <EmptyState
          title="No agents yet"
          action={
            <Button variant="contained" component={RouterLink} to="/catalog">
              Browse the catalog
            </Button>
          }
        >
          Install a pack such as Inbox Assistant to get a set of agents that work together.
        </EmptyState>
      ) : (
        <Box sx={{ display: 'grid', gap: 2, mb: 3 }}>
          {agents.data!.items.map((agent) => {
            const enabled = agent.enabled !== false;
            return (
              <Paper
                key={agent.id}
                component="article"
                aria-label={agent.name}
                sx={{ p: 2, display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}
              >
                <Box sx={{ flexGrow: 1, minWidth: 200 }}>
                  <Typography variant="h3" component="h2">
                    {agent.name}
                  </Typography>
                  <Typography variant="body2" color="text.secondary">
                    {templateName(agent.templateId)} · {describeSchedule(agent.schedule, me.data?.timezone)}
                    {agent.nextRunAt && enabled ? ` · next ${dateTime(agent.nextRunAt)}` : ''}
                  </Typography>
                </Box>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
                  <Switch
                    checked={switching[agent.id] ?? enabled}
                    onChange={(e) => void setEnabled(agent, e.target.checked)}
                    slotProps={{ input: { 'aria-label': `${agent.name} enabled` } }}
                  />
                  <Button component={RouterLink} to={`/agents/${encodeURIComponent(agent.id)}`}>
                    Edit
                  </Button>
                  <Button
                    variant="contained"
                    disabled={runNow.startingId === agent.id}
                    onClick={() => void runNow.start({ agentId: agent.id })}
                    aria-label={`${runNow.startingId === agent.id ? 'Starting…' : 'Run now'}: ${agent.name}`}
                  >
                    {runNow.startingId === agent.id ? 'Starting…' : 'Run now'}
                  </Button>
                </Box>
              </Paper>
            );
          })}
        </Box>
      )}
      {(agents.data?.items.length ?? 0) > 0 && (
        <Section
          title="Workflows"
          action={
            <Button component={RouterLink} to="/workflows/new">
              New workflow
            </Button>
          }
        >
          {(workflows.data?.items.length ?? 0) === 0 && (
            <Typography color="text.secondary">
              No workflows yet. A workflow runs several of your agents together.
            </Typography>
          )}
          <Box sx={{ display: 'grid', gap: 2 }}>
            {(workflows.data?.items ?? []).map((w) => (
              <Box
                key={w.id}
                component="article"
                aria-label={`Workflow ${w.name}`}
                sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}
              >
                <Box sx={{ flexGrow: 1, minWidth: 200 }}>
                  <Typography variant="h3" component="h3">
                    {w.name}
                  </Typography>
                  <Typography variant="body2" color="text.secondary">
                    {w.mode === 'parallel'
                      ? `${w.steps.map((s) => agentName(s.agentId)).join(' and ')} side by side, then ${w.coordinatorAgentId ? agentName(w.coordinatorAgentId) : 'a coordinator'} combines them`
                      : w.steps.map((s) => agentName(s.agentId)).join(', then ')}
                  </Typography>
                  <Typography variant="body2" color="text.secondary">
                    {describeSchedule(w.schedule, me.data?.timezone)}
                    {w.nextRunAt && w.enabled ? ` · next ${dateTime(w.nextRunAt)}` : ''}
                  </Typography>
                </Box>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                  <Switch
                    checked={switching[w.id] ?? w.enabled}
                    onChange={(e) => void setWorkflowEnabled(w, e.target.checked)}
                    slotProps={{ input: { 'aria-label': `Workflow ${w.name} enabled` } }}
                  />
                  <Button
                    component={RouterLink}
                    to={`/workflows/${encodeURIComponent(w.id)}`}
                    aria-label={`Edit: workflow ${w.name}`}
                  >
                    Edit
                  </Button>
                  <Button onClick={() => setScheduling(w)} aria-label={`Schedule: workflow ${w.name}`}>
                    Schedule
                  </Button>
                  <Button
                    variant="contained"
                    disabled={runNow.startingId === w.id}
                    onClick={() => void runNow.start({ workflowId: w.id })}
                    aria-label={`${runNow.startingId === w.id ? 'Starting…' : 'Run now'}: workflow ${w.name}`}
                  >
                    {runNow.startingId === w.id ? 'Starting…' : 'Run now'}
                  </Button>
                </Box>
              </Box>
            ))}
          </Box>
        </Section>
      )}
      {scheduling && (
        <WorkflowScheduleDialog
          workflow={scheduling}
          timezone={me.data?.timezone ?? 'UTC'}
          onClose={() => setScheduling(null)}
        />
      )}
    </>
  );
}
