import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router-dom';
import { apiRequest, apiRequestWithHeaders } from '../api/client';
import { invalidatePaths, useApiQuery } from '../api/hooks';
import type { Agent, EventTriggerValue, Page, Profile, Template, Workflow } from '../api/types';
import { useLeaveGuard } from '../components/LeaveGuard';
import { ScheduleEditor, type ScheduleValue } from '../components/ScheduleEditor';
import { TriggerEditor, triggerLimitOf, triggersBody } from '../components/TriggerEditor';
import { ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { buildCron, parseCron } from '../lib/cron';
import { browserTimeZone } from '../lib/format';
import { fieldErrors } from '../lib/field-errors';
import { useRunNow } from '../lib/useRunNow';

type Mode = Workflow['mode'];

interface WorkflowForm {
  name: string;
  mode: Mode;
  steps: string[];
  coordinatorId: string;
  enabled: boolean;
  schedule: ScheduleValue;
  events: EventTriggerValue[];
}

/** The editable fields of the form, as one string to compare. */
function formSnapshot(f: WorkflowForm): string {
  return JSON.stringify({
    name: f.name.trim(),
    mode: f.mode,
    steps: f.steps,
    coordinatorId: f.mode === 'parallel' ? f.coordinatorId : '',
    enabled: f.enabled,
    schedule: f.schedule.enabled ? { cron: buildCron(f.schedule.parts), timezone: f.schedule.timezone } : null,
    events: triggersBody(f.events),
  });
}

/** Creates or edits a workflow: its agents as ordered steps, or side by side with a coordinator, and its schedule. */
export function WorkflowEditPage() {
  const { workflowId } = useParams();
  const creating = !workflowId;
  const navigate = useNavigate();
  const client = useQueryClient();
  const runNow = useRunNow();
  const me = useApiQuery<Profile>('/me');
  const agents = useApiQuery<Page<Agent>>('/agents', { limit: 100 });
  const templates = useApiQuery<Page<Template>>('/catalog/templates');
  const [loaded, setLoaded] = useState<{ data: Workflow; etag?: string } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<Mode>('sequential');
  const [steps, setSteps] = useState<string[]>([]);
  const [coordinatorId, setCoordinatorId] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [schedule, setSchedule] = useState<ScheduleValue>({
    enabled: false,
    parts: parseCron(undefined),
    timezone: browserTimeZone(),
  });
  const [events, setEvents] = useState<EventTriggerValue[]>([]);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  /** The form as loaded (or as a new one starts), to tell whether the person changed anything. */
  const [baseline, setBaseline] = useState<string | null>(() =>
    creating
      ? formSnapshot({
          name: '',
          mode: 'sequential',
          steps: [],
          coordinatorId: '',
          enabled: true,
          schedule,
          events: [],
        })
      : null,
  );

  useEffect(() => {
    if (!workflowId) return;
    apiRequestWithHeaders<Workflow>(`/workflows/${encodeURIComponent(workflowId)}`)
      .then(({ data, headers }) => {
        setLoaded({ data, etag: headers.get('etag') ?? undefined });
        setName(data.name);
        setMode(data.mode);
        setSteps(data.steps.map((s) => s.agentId));
        setCoordinatorId(data.coordinatorAgentId ?? '');
        setEnabled(data.enabled);
        const loadedSchedule = {
          enabled: !!data.schedule,
          parts: parseCron(data.schedule?.cron),
          timezone: data.schedule?.timezone ?? browserTimeZone(),
        };
        setSchedule(loadedSchedule);
        setEvents(data.events ?? []);
        setBaseline(
          formSnapshot({
            name: data.name,
            mode: data.mode,
            steps: data.steps.map((s) => s.agentId),
            coordinatorId: data.coordinatorAgentId ?? '',
            enabled: data.enabled,
            schedule: loadedSchedule,
            events: data.events ?? [],
          }),
        );
      })
      .catch(setLoadError);
  }, [workflowId]);

  // A new schedule starts in the person's own time zone.
  const hasSchedule = creating ? false : loaded ? !!loaded.data.schedule : true;
  const profileTimeZone = me.data?.timezone;
  useEffect(() => {
    if (!hasSchedule && profileTimeZone) setSchedule((s) => ({ ...s, timezone: profileTimeZone }));
  }, [hasSchedule, profileTimeZone]);

  const dirty =
    baseline !== null && formSnapshot({ name, mode, steps, coordinatorId, enabled, schedule, events }) !== baseline;
  const leave = useLeaveGuard(dirty);

  if (loadError) return <ErrorNotice error={loadError} />;
  if ((!creating && !loaded) || agents.isLoading || templates.isLoading) return <Loading />;
  if (agents.error) return <ErrorNotice error={agents.error} onRetry={() => void agents.refetch()} />;

  const isCoordinator = (a: Agent) => Boolean(templates.data?.items.find((t) => t.id === a.templateId)?.coordinator);
  const allAgents = agents.data?.items ?? [];
  const stepAgents = allAgents.filter((a) => !isCoordinator(a));
  const coordinators = allAgents.filter(isCoordinator);
  const agentName = (id: string) => allAgents.find((a) => a.id === id)?.name ?? 'A deleted agent';
  const addable = stepAgents.filter((a) => !steps.includes(a.id));
  const errors = fieldErrors(saveError);

  const move = (index: number, by: -1 | 1) =>
    setSteps((list) => {
      const next = [...list];
      [next[index], next[index + by]] = [next[index + by]!, next[index]!];
      return next;
    });

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    const body = {
      name: name.trim(),
      mode,
      steps: steps.map((agentId) => ({ agentId })),
      coordinatorAgentId: mode === 'parallel' && coordinatorId ? coordinatorId : null,
      enabled,
      schedule: schedule.enabled ? { cron: buildCron(schedule.parts), timezone: schedule.timezone } : null,
      events: triggersBody(events),
    };
    try {
      const saved = creating
        ? await apiRequest<Workflow>('/workflows', { method: 'POST', body })
        : await apiRequest<Workflow>(`/workflows/${encodeURIComponent(workflowId!)}`, {
            method: 'PATCH',
            body,
            ifMatch: loaded?.etag,
          });
      // The list shows the saved workflow at once instead of its cached copy until the refetch answers.
      client.setQueriesData<Page<Workflow>>({ queryKey: ['/workflows'] }, (old) => {
        if (!old) return old;
        const known = old.items.some((w) => w.id === saved.id);
        return { ...old, items: known ? old.items.map((w) => (w.id === saved.id ? saved : w)) : [...old.items, saved] };
      });
      await invalidatePaths(client, ['/workflows', '/me', '/usage', '/triggers']);
      leave.allowLeaving();
      navigate('/agents', { state: { notice: `${creating ? 'Created' : 'Saved'} workflow ${body.name}.` } });
    } catch (err) {
      setSaveError(err);
      setSaving(false);
    }
  };

  const remove = async () => {
    setConfirmDelete(false);
    try {
      await apiRequest(`/workflows/${encodeURIComponent(workflowId!)}`, { method: 'DELETE', ifMatch: loaded?.etag });
      await invalidatePaths(client, ['/workflows', '/me', '/usage']);
      leave.allowLeaving();
      navigate('/agents', { state: { notice: `Deleted workflow ${loaded?.data.name ?? name}.` } });
    } catch (err) {
      setSaveError(err);
    }
  };

  const stepsError = errors.steps;
  return (
    <>
      <PageHeader
        title={creating ? 'New workflow' : loaded!.data.name}
        subtitle="Agents that work together: one after another, or side by side with a coordinator that combines what they found."
        actions={
          !creating && (
            <Button
              variant="contained"
              onClick={() => void runNow.start({ workflowId: workflowId! })}
              disabled={!!runNow.startingId}
            >
              {runNow.startingId ? 'Starting…' : 'Run now'}
            </Button>
          )
        }
      />
      {runNow.error ? <ErrorNotice error={runNow.error} /> : null}
      <Box
        component="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Section title="Basics">
          <Box sx={{ display: 'grid', gap: 2, maxWidth: 560 }}>
            <TextField
              label="Name"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={!!errors.name}
              helperText={errors.name}
              slotProps={{ htmlInput: { maxLength: 100 } }}
            />
            <FormControl error={!!errors.mode}>
              <FormLabel id="workflow-mode">How the agents work</FormLabel>
              <RadioGroup
                aria-labelledby="workflow-mode"
                value={mode}
                onChange={(e) => setMode(e.target.value as Mode)}
              >
                <FormControlLabel
                  value="sequential"
                  control={<Radio />}
                  label="One after another (each step gets what the earlier ones found)"
                />
                <FormControlLabel
                  value="parallel"
                  control={<Radio />}
                  label="Side by side, then a coordinator combines the results"
                />
              </RadioGroup>
              {errors.mode && <FormHelperText>{errors.mode}</FormHelperText>}
            </FormControl>
            <FormControlLabel
              control={<Switch checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />}
              label="Enabled"
            />
          </Box>
        </Section>
        <Section title="Steps">
          <Box sx={{ display: 'grid', gap: 2, maxWidth: 560 }}>
            {steps.length === 0 ? (
              <Typography color={stepsError ? 'error' : 'text.secondary'}>
                No steps yet. Add the agents this workflow runs.
              </Typography>
            ) : (
              <Box
                component="ol"
                aria-label="Workflow steps"
                sx={{ m: 0, p: 0, listStyle: 'none', display: 'grid', gap: 1 }}
              >
                {steps.map((agentId, i) => {
                  const label = agentName(agentId);
                  const error = errors[`steps[${i}].agentId`] ?? errors[`steps.${i}.agentId`];
                  return (
                    <Paper
                      key={agentId}
                      component="li"
                      variant="outlined"
                      aria-label={`Step ${i + 1}: ${label}`}
                      sx={{ p: 1.5, borderColor: error ? 'error.main' : undefined }}
                    >
                      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
                        <Typography sx={{ flexGrow: 1, fontWeight: 600 }}>
                          {mode === 'sequential' ? `${i + 1}. ` : ''}
                          {label}
                        </Typography>
                        <Button
                          size="small"
                          disabled={i === 0}
                          onClick={() => move(i, -1)}
                          aria-label={`Move ${label} up`}
                        >
                          Up
                        </Button>
                        <Button
                          size="small"
                          disabled={i === steps.length - 1}
                          onClick={() => move(i, 1)}
                          aria-label={`Move ${label} down`}
                        >
                          Down
                        </Button>
                        <Button
                          size="small"
                          color="error"
                          onClick={() => setSteps((list) => list.filter((id) => id !== agentId))}
                          aria-label={`Remove ${label}`}
                        >
                          Remove
                        </Button>
                      </Box>
                      {error && (
                        <Typography variant="body2" color="error" sx={{ mt: 0.5 }}>
                          {error}
                        </Typography>
                      )}
                    </Paper>
                  );
                })}
              </Box>
            )}
            {stepsError && (
              <Typography variant="body2" color="error" role="alert">
                {stepsError}
              </Typography>
            )}
            {addable.length > 0 && (
              <TextField
                select
                label="Add a step"
                value=""
                onChange={(e) => setSteps((list) => [...list, e.target.value])}
                helperText="Choose one of your agents."
              >
                {addable.map((a) => (
                  <MenuItem key={a.id} value={a.id}>
                    {a.name}
                  </MenuItem>
                ))}
              </TextField>
            )}
            {stepAgents.length === 0 && (
              <Typography color="text.secondary">
                You have no agents to add yet.{' '}
                <Link component={RouterLink} to="/catalog">
                  Create one from the catalog
                </Link>
                .
              </Typography>
            )}
            {mode === 'parallel' && (
              <TextField
                select
                label="Coordinator agent"
                required
                value={coordinators.some((c) => c.id === coordinatorId) ? coordinatorId : ''}
                onChange={(e) => setCoordinatorId(e.target.value)}
                error={!!errors.coordinatorAgentId}
                helperText={
                  errors.coordinatorAgentId ??
                  (coordinators.length === 0
                    ? 'You have no coordinator agent yet: create one from the Coordinator template in the catalog.'
                    : 'Combines what the steps found into one summary.')
                }
              >
                {coordinators.map((a) => (
                  <MenuItem key={a.id} value={a.id}>
                    {a.name}
                  </MenuItem>
                ))}
              </TextField>
            )}
          </Box>
        </Section>
        <Section title="Schedule">
          <ScheduleEditor value={schedule} onChange={setSchedule} />
          {(errors['schedule.cron'] || errors['schedule.timezone'] || errors.schedule) && (
            <ErrorNotice error={new Error(errors['schedule.cron'] ?? errors['schedule.timezone'] ?? errors.schedule)} />
          )}
        </Section>
        <Section title="Run when something changes">
          <TriggerEditor
            value={events}
            onChange={setEvents}
            target={
              workflowId ? { type: 'workflow', id: workflowId, hasTriggers: !!loaded?.data.events.length } : undefined
            }
            saveError={saveError}
          />
        </Section>
        {saveError && Object.keys(errors).length > 0 ? (
          <Alert severity="error" sx={{ my: 2 }}>
            Some of what you entered is not valid: see the marked fields above.
          </Alert>
        ) : saveError && !triggerLimitOf(saveError) ? (
          <ErrorNotice error={saveError} />
        ) : null}
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
          <Button type="submit" variant="contained" disabled={saving}>
            {saving ? 'Saving…' : creating ? 'Create workflow' : 'Save changes'}
          </Button>
          <Button onClick={() => navigate('/agents')}>Cancel</Button>
          {!creating && (
            <Button color="error" sx={{ ml: 'auto' }} onClick={() => setConfirmDelete(true)}>
              Delete workflow
            </Button>
          )}
        </Box>
      </Box>
      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} aria-labelledby="delete-workflow-title">
        <DialogTitle id="delete-workflow-title">Delete {name || 'this workflow'}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Its schedule stops. Its agents stay, and past runs and suggestions stay visible.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirmDelete(false)}>Keep it</Button>
          <Button color="error" variant="contained" onClick={() => void remove()}>
            Delete
          </Button>
        </DialogActions>
      </Dialog>
      {leave.dialog}
    </>
  );
}
