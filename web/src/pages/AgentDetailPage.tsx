import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { apiRequest, apiRequestWithHeaders } from '../api/client';
import { invalidatePaths, useApiQuery } from '../api/hooks';
import type { Agent, EventTriggerValue, Page, Profile, Template } from '../api/types';
import { ConfigForm, initialConfig } from '../components/ConfigForm';
import { useLeaveGuard } from '../components/LeaveGuard';
import { ScheduleEditor, type ScheduleValue } from '../components/ScheduleEditor';
import { TriggerEditor, triggerLimitOf, triggersBody } from '../components/TriggerEditor';
import { ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { buildCron, parseCron } from '../lib/cron';
import { fieldErrors } from '../lib/field-errors';
import { browserTimeZone } from '../lib/format';
import { useRunNow } from '../lib/useRunNow';

/** The editable fields of the form, as one string to compare. */
function formSnapshot(
  name: string,
  enabled: boolean,
  config: Record<string, unknown>,
  schedule: ScheduleValue,
  events: EventTriggerValue[],
) {
  return JSON.stringify({
    name: name.trim(),
    enabled,
    config,
    schedule: schedule.enabled ? { cron: buildCron(schedule.parts), timezone: schedule.timezone } : null,
    events: triggersBody(events),
  });
}

export function AgentDetailPage() {
  const { agentId } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const runNow = useRunNow();
  const creating = !agentId;
  const me = useApiQuery<Profile>('/me');
  const templates = useApiQuery<Page<Template>>('/catalog/templates');
  const [agent, setAgent] = useState<{ data: Agent; etag?: string } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [templateId, setTemplateId] = useState(search.get('template') ?? '');
  const [name, setName] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const [schedule, setSchedule] = useState<ScheduleValue>({
    enabled: false,
    parts: parseCron(undefined),
    timezone: browserTimeZone(),
  });
  const [events, setEvents] = useState<EventTriggerValue[]>([]);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  /** The form as loaded, to tell whether the person changed anything. */
  const [baseline, setBaseline] = useState<string | null>(null);

  const templateList = templates.data?.items ?? [];
  const templateQuery = useApiQuery<Template>(
    templateId ? `/catalog/templates/${encodeURIComponent(templateId)}` : null,
  );
  const template = templateQuery.data;

  useEffect(() => {
    if (!agentId) return;
    apiRequestWithHeaders<Agent>(`/agents/${encodeURIComponent(agentId)}`)
      .then(({ data, headers }) => {
        setAgent({ data, etag: headers.get('etag') ?? undefined });
        setTemplateId(data.templateId);
        setName(data.name);
        setEnabled(data.enabled !== false);
        setConfig(data.config ?? {});
        const loaded = {
          enabled: !!data.schedule,
          parts: parseCron(data.schedule?.cron),
          timezone: data.schedule?.timezone ?? browserTimeZone(),
        };
        setSchedule(loaded);
        setEvents(data.events ?? []);
        setBaseline(formSnapshot(data.name, data.enabled !== false, data.config ?? {}, loaded, data.events ?? []));
      })
      .catch(setLoadError);
  }, [agentId]);

  useEffect(() => {
    if (creating && template) {
      setConfig((c) => initialConfig(template.configSchema, c));
      setName((n) => n || template.name);
    }
  }, [creating, template]);

  // A new schedule starts in the person's own time zone.
  const hasSchedule = creating ? false : agent ? !!agent.data.schedule : true;
  const profileTimeZone = me.data?.timezone;
  useEffect(() => {
    if (!hasSchedule && profileTimeZone) setSchedule((s) => ({ ...s, timezone: profileTimeZone }));
  }, [hasSchedule, profileTimeZone]);

  const dirty = baseline !== null && formSnapshot(name, enabled, config, schedule, events) !== baseline;
  const leave = useLeaveGuard(dirty);

  if (loadError) return <ErrorNotice error={loadError} />;
  if (!creating && !agent) return <Loading />;

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    const body = {
      name: name.trim(),
      config,
      enabled,
      schedule: schedule.enabled ? { cron: buildCron(schedule.parts), timezone: schedule.timezone } : null,
      events: triggersBody(events),
      ...(creating ? { templateId } : {}),
    };
    try {
      if (creating) {
        const created = await apiRequest<Agent>('/agents', { method: 'POST', body });
        await invalidatePaths(client, ['/agents']);
        navigate(`/agents/${encodeURIComponent(created.id)}`, { replace: true });
      } else {
        const { data, headers } = await apiRequestWithHeaders<Agent>(`/agents/${encodeURIComponent(agentId!)}`, {
          method: 'PATCH',
          body,
          ifMatch: agent?.etag,
        });
        setAgent({ data, etag: headers.get('etag') ?? undefined });
        await invalidatePaths(client, ['/agents', '/triggers', '/usage', '/me']);
        leave.allowLeaving();
        navigate('/agents', { state: { notice: `Saved ${data.name}.` } });
      }
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    setConfirmDelete(false);
    try {
      await apiRequest(`/agents/${encodeURIComponent(agentId!)}`, { method: 'DELETE' });
      await invalidatePaths(client, ['/agents']);
      leave.allowLeaving();
      navigate('/agents', { state: { notice: `Deleted ${name}.` } });
    } catch (err) {
      setSaveError(err);
    }
  };

  const errors = fieldErrors(saveError);
  return (
    <>
      {leave.dialog}
      <PageHeader
        title={creating ? 'New agent' : name || 'Agent'}
        subtitle={template?.description}
        actions={
          !creating && (
            <Button
              variant="contained"
              onClick={() => void runNow.start({ agentId: agentId! })}
              disabled={!!runNow.startingId}
            >
              Run now
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
            {creating && (
              <TextField
                select
                label="Template"
                required
                value={templateId}
                onChange={(e) => setTemplateId(e.target.value)}
                error={!!errors.templateId}
                helperText={errors.templateId}
              >
                {templateList.map((t) => (
                  <MenuItem key={t.id} value={t.id}>
                    {t.name}
                  </MenuItem>
                ))}
              </TextField>
            )}
            <TextField
              label="Name"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={!!errors.name}
              helperText={errors.name}
              slotProps={{ htmlInput: { maxLength: 100 } }}
            />
            <FormControlLabel
              control={<Switch checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />}
              label="Enabled"
            />
          </Box>
        </Section>
        <Section title="Settings">
          {templateId && templateQuery.isLoading ? (
            <Loading />
          ) : template?.configSchema ? (
            <Box sx={{ maxWidth: 560 }}>
              <ConfigForm schema={template.configSchema} value={config} onChange={setConfig} errors={errors} />
            </Box>
          ) : templateQuery.error ? (
            <ErrorNotice error={templateQuery.error} />
          ) : (
            <span>Choose a template first.</span>
          )}
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
            target={agentId ? { type: 'agent', id: agentId, hasTriggers: !!agent?.data.events.length } : undefined}
            saveError={saveError}
          />
        </Section>
        {saveError && !triggerLimitOf(saveError) ? <ErrorNotice error={saveError} /> : null}
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
          <Button type="submit" variant="contained" disabled={saving || !templateId || !name.trim()}>
            {saving ? 'Saving…' : creating ? 'Create agent' : 'Save changes'}
          </Button>
          <Button onClick={() => navigate('/agents')}>Cancel</Button>
          {!creating && (
            <Button color="error" sx={{ ml: 'auto' }} onClick={() => setConfirmDelete(true)}>
              Delete agent
            </Button>
          )}
        </Box>
      </Box>
      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} aria-labelledby="delete-agent-title">
        <DialogTitle id="delete-agent-title">Delete {name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>Its schedule stops. Past runs and suggestions stay visible.</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirmDelete(false)}>Keep it</Button>
          <Button color="error" variant="contained" onClick={() => void remove()}>
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
