import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiRequest } from '../api/client';
import { invalidatePaths } from '../api/hooks';
import type { Workflow } from '../api/types';
import { buildCron, parseCron } from '../lib/cron';
import { useCloseGuard } from './LeaveGuard';
import { ScheduleEditor, type ScheduleValue } from './ScheduleEditor';
import { ErrorNotice } from './states';

/** Changes when a workflow runs by itself (or turns its schedule off). */
export function WorkflowScheduleDialog({
  workflow,
  timezone,
  onClose,
}: {
  workflow: Workflow;
  timezone: string;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const [initial] = useState<ScheduleValue>(() => ({
    enabled: !!workflow.schedule,
    parts: parseCron(workflow.schedule?.cron),
    timezone: workflow.schedule?.timezone ?? timezone,
  }));
  const [value, setValue] = useState<ScheduleValue>(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const asCron = (v: ScheduleValue) => (v.enabled ? `${buildCron(v.parts)} ${v.timezone}` : '');
  const guard = useCloseGuard(asCron(value) !== asCron(initial), onClose);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const schedule = value.enabled ? { cron: buildCron(value.parts), timezone: value.timezone } : null;
      await apiRequest(`/workflows/${encodeURIComponent(workflow.id)}`, { method: 'PATCH', body: { schedule } });
      await invalidatePaths(client, ['/workflows']);
      onClose();
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return (
    <>
      <Dialog open onClose={guard.close} fullWidth maxWidth="sm" aria-labelledby="workflow-schedule-title">
        <DialogTitle id="workflow-schedule-title">Schedule of {workflow.name}</DialogTitle>
        <DialogContent dividers>
          <ScheduleEditor value={value} onChange={setValue} />
          {error ? <ErrorNotice error={error} /> : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={guard.close}>Cancel</Button>
          <Button variant="contained" onClick={() => void save()} disabled={saving}>
            {saving ? 'Saving…' : 'Save schedule'}
          </Button>
        </DialogActions>
      </Dialog>
      {guard.question}
    </>
  );
}
