import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router-dom';
import { useApiQuery } from '../api/hooks';
import type { Agent, Connector, Page, Run, Workflow } from '../api/types';
import { useRunNow } from '../lib/useRunNow';
import { Section, ErrorNotice } from './states';

/**
 * The three steps a new person takes (connect an account, install a pack or an agent, run it), each ticked off from
 * what the API holds. Renders nothing once all three are done, or while the answers are loading.
 */
export function FirstRunChecklist() {
  const connectors = useApiQuery<Page<Connector>>('/connectors');
  const agents = useApiQuery<Page<Agent>>('/agents', { limit: 100 });
  const workflows = useApiQuery<Page<Workflow>>('/workflows');
  const runs = useApiQuery<Page<Run>>('/orchestration/runs', { limit: 5 });
  const runNow = useRunNow();
  if (!connectors.data || !agents.data || !workflows.data || !runs.data) return null;

  const connected = connectors.data.items.length > 0;
  const installed = agents.data.items.length > 0;
  const ran = runs.data.items.length > 0;
  if (connected && installed && ran) return null;
  // A pack's workflow runs all its agents at once: that is the one to press; otherwise the first agent.
  const workflow = workflows.data.items[0];
  const agent = agents.data.items[0];
  const target = workflow ? { workflowId: workflow.id } : agent ? { agentId: agent.id } : undefined;
  const targetName = workflow?.name ?? agent?.name;

  const steps = [
    {
      done: connected,
      title: 'Connect an account',
      detail: 'Your mail and calendar, so agents have something to read.',
      action: (
        <Button component={RouterLink} to="/connectors" variant="contained" size="small">
          Connect
        </Button>
      ),
    },
    {
      done: installed,
      title: 'Install a pack or an agent',
      detail: 'A pack sets up agents that work together, with a schedule that fits your plan.',
      action: (
        <Button component={RouterLink} to="/catalog" variant="contained" size="small">
          Open the catalog
        </Button>
      ),
    },
    {
      done: ran,
      title: 'Run it',
      detail: targetName
        ? `Press Run now on ${targetName}: its suggestions wait here for you to approve.`
        : 'Once something is installed, run it once to see what it suggests.',
      action:
        target && targetName ? (
          <Button
            variant="contained"
            size="small"
            disabled={!!runNow.startingId}
            onClick={() => void runNow.start(target)}
            aria-label={`Run now: ${targetName}`}
          >
            {runNow.startingId ? 'Starting…' : 'Run now'}
          </Button>
        ) : null,
    },
  ];
  const next = steps.findIndex((s) => !s.done);

  return (
    <Section title="Get started">
      <Box
        component="ol"
        aria-label="Getting started"
        sx={{ m: 0, p: 0, listStyle: 'none', display: 'grid', gap: 1.5 }}
      >
        {steps.map((step, i) => (
          <Box
            component="li"
            key={step.title}
            aria-label={`${step.title}: ${step.done ? 'done' : 'to do'}`}
            sx={{ display: 'flex', gap: 1.5, alignItems: 'flex-start', flexWrap: 'wrap' }}
          >
            <Box
              aria-hidden="true"
              sx={{
                width: 28,
                height: 28,
                borderRadius: '50%',
                flexShrink: 0,
                display: 'grid',
                placeItems: 'center',
                fontWeight: 700,
                bgcolor: step.done ? 'success.main' : i === next ? 'primary.main' : 'action.disabledBackground',
                color: step.done || i === next ? 'common.white' : 'text.primary',
              }}
            >
              {step.done ? '✓' : i + 1}
            </Box>
            <Box sx={{ flex: '1 1 200px', minWidth: 0 }}>
              <Typography sx={{ fontWeight: 600, textDecoration: step.done ? 'line-through' : undefined }}>
                {step.title}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {step.done ? 'Done.' : step.detail}
              </Typography>
            </Box>
            {!step.done && i === next && step.action}
          </Box>
        ))}
      </Box>
      {runNow.error ? <ErrorNotice error={runNow.error} /> : null}
    </Section>
  );
}
