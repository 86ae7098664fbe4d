import Alert from '@mui/material/Alert';
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
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { apiRequest, apiRequestWithHeaders } from '../api/client';
import { invalidatePaths, useApiQuery } from '../api/hooks';
import type { Profile, Usage } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useLeaveGuard } from '../components/LeaveGuard';
import { ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { UsageMeters } from '../components/UsageMeters';
import { MoveSchedulesDialog, moveSchedules, schedulesIn, type ScheduledItem } from '../components/MoveSchedulesDialog';
import { TimeZonePicker } from '../components/TimeZonePicker';
import { humanize } from '../lib/format';
import { fieldErrors } from '../lib/field-errors';
import { DataExport } from './settings/DataExport';
import { WorkingHoursFields, type WorkingHours } from './settings/WorkingHoursFields';

type NotificationPreferences = Profile['notifications'];

/** The editable profile fields, as one string to compare. */
function profileForm(
  name: string,
  zone: string,
  prefs: NotificationPreferences,
  undo: number,
  hours: WorkingHours,
): string {
  return JSON.stringify({ name: name.trim(), zone, prefs, undo, hours });
}

export function SettingsPage() {
  const client = useQueryClient();
  const { manager } = useAuth();
  const me = useApiQuery<Profile>('/me');
  const usage = useApiQuery<Usage>('/usage');
  const [displayName, setDisplayName] = useState('');
  const [timezone, setTimezone] = useState('UTC');
  const [notifications, setNotifications] = useState<NotificationPreferences>({
    mode: 'immediate',
    digestHour: 8,
    approvalLinks: true,
  });
  const [undoSendSeconds, setUndoSendSeconds] = useState(10);
  const [workingHours, setWorkingHours] = useState<WorkingHours>({ from: 8, until: 18, days: [1, 2, 3, 4, 5] });
  const [saving, setSaving] = useState(false);
  /** Schedules still in the zone the person just moved away from: they are asked whether to move them too. */
  const [moving, setMoving] = useState<{ items: ScheduledItem[]; from: string; to: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [confirmText, setConfirmText] = useState('');
  const [deleteError, setDeleteError] = useState<unknown>(null);
  /** The profile version the person confirms erasing; a change since then (another tab, device) stops the erasure. */
  const [deleteEtag, setDeleteEtag] = useState<string | undefined>();

  /** The profile form as loaded, to tell whether the person changed anything. */
  const [baseline, setBaseline] = useState<string | null>(null);

  useEffect(() => {
    if (!me.data) return;
    setDisplayName(me.data.displayName ?? '');
    setTimezone(me.data.timezone ?? 'UTC');
    setNotifications(me.data.notifications);
    setUndoSendSeconds(me.data.undoSendSeconds);
    setWorkingHours(me.data.workingHours);
    setBaseline(
      profileForm(
        me.data.displayName ?? '',
        me.data.timezone ?? 'UTC',
        me.data.notifications,
        me.data.undoSendSeconds,
        me.data.workingHours,
      ),
    );
  }, [me.data]);
  const leave = useLeaveGuard(
    baseline !== null && profileForm(displayName, timezone, notifications, undoSendSeconds, workingHours) !== baseline,
  );

  if (me.isLoading) return <Loading />;
  if (me.error || !me.data) return <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />;
  const email = me.data.email ?? '';
  const errors = fieldErrors(saveError);
  // Refused working hours are explained beside their fields (the other profile fields cannot be refused that way).
  const shownBeside = Object.keys(errors).length > 0 && Object.keys(errors).every((k) => k.startsWith('workingHours'));

  const save = async () => {
    setSaving(true);
    setSaved(false);
    setSaveError(null);
    try {
      await apiRequest('/me', {
        method: 'PATCH',
        body: { displayName: displayName.trim(), timezone, notifications, undoSendSeconds, workingHours },
      });
      const from = me.data?.timezone;
      const left = from && from !== timezone ? await schedulesIn(from) : [];
      // Schedules that follow the working hours may have moved with them.
      await invalidatePaths(client, ['/me', '/workflows', '/agents']);
      if (left.length > 0) setMoving({ items: left, from: from!, to: timezone });
      else setSaved(true);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  const finishMove = async (move: boolean) => {
    if (!moving) return;
    setSaving(true);
    setSaveError(null);
    try {
      if (move) await moveSchedules(moving.items, moving.to);
      await invalidatePaths(client, ['/agents', '/workflows']);
      setMoving(null);
      setSaved(true);
    } catch (err) {
      setMoving(null);
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  const openDelete = async () => {
    setDeleteError(null);
    setDeleteEtag(undefined);
    setDeleteOpen(true);
    try {
      const { headers } = await apiRequestWithHeaders<Profile>('/me');
      setDeleteEtag(headers.get('etag') ?? undefined);
    } catch (err) {
      setDeleteError(err);
    }
  };

  const deleteAccount = async () => {
    setDeleteError(null);
    try {
      await apiRequest('/me', { method: 'DELETE', ifMatch: deleteEtag });
      await manager.removeUser();
      window.location.assign('/');
    } catch (err) {
      setDeleteError(err);
    }
  };

  return (
    <>
      {moving && (
        <MoveSchedulesDialog
          {...moving}
          busy={saving}
          onMove={() => void finishMove(true)}
          onKeep={() => void finishMove(false)}
        />
      )}
      <PageHeader title="Settings" subtitle={email ? `Signed in as ${email}` : undefined} />
      <Section title="Profile">
        <Box
          component="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          sx={{ display: 'grid', gap: 2, maxWidth: 480 }}
        >
          <TextField
            label="Display name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            slotProps={{ htmlInput: { maxLength: 100 } }}
          />
          <TimeZonePicker
            value={timezone}
            onChange={setTimezone}
            helperText="Schedules and times are shown in this zone. Search by city, country or offset."
          />
          <TextField
            select
            label="Undo send"
            value={undoSendSeconds}
            onChange={(e) => setUndoSendSeconds(Number(e.target.value))}
            helperText="After you press Send, replies wait this long so you can undo them. Nothing is sent before."
          >
            <MenuItem value={0}>Off: send at once</MenuItem>
            {[5, 10, 20, 30].map((n) => (
              <MenuItem key={n} value={n}>
                {n} seconds
              </MenuItem>
            ))}
          </TextField>
          <WorkingHoursFields value={workingHours} onChange={setWorkingHours} errors={errors} timezone={timezone} />
          <Typography variant="h3" component="h3" sx={{ mt: 1 }}>
            Notifications
          </Typography>
          <TextField
            select
            label="Email me about new suggestions"
            value={notifications.mode}
            onChange={(e) =>
              setNotifications({ ...notifications, mode: e.target.value as NotificationPreferences['mode'] })
            }
          >
            <MenuItem value="immediate">As they arrive</MenuItem>
            <MenuItem value="digest">Once a day, in a digest</MenuItem>
            <MenuItem value="off">Never</MenuItem>
          </TextField>
          {notifications.mode === 'digest' && (
            <TextField
              select
              label="Digest time"
              value={notifications.digestHour}
              onChange={(e) => setNotifications({ ...notifications, digestHour: Number(e.target.value) })}
              helperText={`In your time zone (${timezone}).`}
            >
              {Array.from({ length: 24 }, (_, h) => (
                <MenuItem key={h} value={h}>
                  {String(h).padStart(2, '0')}:00
                </MenuItem>
              ))}
            </TextField>
          )}
          <FormControlLabel
            control={
              <Switch
                checked={notifications.approvalLinks}
                disabled={notifications.mode === 'off'}
                onChange={(e) => setNotifications({ ...notifications, approvalLinks: e.target.checked })}
              />
            }
            label="Include approve and reject buttons in emails"
          />
          {saveError && shownBeside ? (
            <Alert severity="error">Some of what you entered is not valid: see the marked fields above.</Alert>
          ) : saveError ? (
            <ErrorNotice error={saveError} />
          ) : null}
          {saved && <Alert severity="success">Saved.</Alert>}
          <Box>
            <Button type="submit" variant="contained" disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </Button>
          </Box>
        </Box>
      </Section>
      <Section title={me.data.tier ? `Plan: ${humanize(me.data.tier)}` : 'Plan and usage'}>
        {usage.isLoading ? (
          <Loading />
        ) : usage.error ? (
          <ErrorNotice error={usage.error} />
        ) : (
          <UsageMeters usage={usage.data} />
        )}
      </Section>
      <Section title="API access">
        <Typography sx={{ mb: 2 }}>
          Personal access tokens for your scripts and webhooks for your integrations.
        </Typography>
        <Button variant="outlined" component={RouterLink} to="/settings/api-access">
          Manage API access
        </Button>
      </Section>
      <Section title="Your data">
        <DataExport tenantId={me.data.tenantId} />
      </Section>
      <Section title="Delete account">
        <Typography sx={{ mb: 2 }}>
          Deletes your agents, runs, suggestions, connected accounts and files, everywhere, and stops anything running.
          This cannot be undone.
        </Typography>
        <Button color="error" variant="outlined" onClick={() => void openDelete()}>
          Delete my account
        </Button>
      </Section>
      <Dialog open={deleteOpen} onClose={() => setDeleteOpen(false)} aria-labelledby="delete-account-title">
        <DialogTitle id="delete-account-title">Delete your account?</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            Everything is erased and cannot be recovered. Type <strong>{email || 'DELETE'}</strong> to confirm.
          </DialogContentText>
          <TextField
            fullWidth
            label="Confirmation"
            value={confirmText}
            onChange={(e) => setConfirmText(e.target.value)}
            autoFocus
          />
          {deleteError ? <ErrorNotice error={deleteError} /> : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDeleteOpen(false)}>Keep my account</Button>
          <Button
            color="error"
            variant="contained"
            disabled={!deleteEtag || confirmText.trim().toLowerCase() !== (email || 'DELETE').toLowerCase()}
            onClick={() => void deleteAccount()}
          >
            Delete everything
          </Button>
        </DialogActions>
      </Dialog>
      {leave.dialog}
    </>
  );
}
