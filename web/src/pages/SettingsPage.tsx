import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { apiRequest, apiRequestWithHeaders } from '../api/client';
import { invalidatePaths, useApiQuery } from '../api/hooks';
import type { NotificationPreferences, Profile, Usage } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { UsageMeters } from '../components/UsageMeters';
import { allTimeZones } from '../lib/cron';
import { humanize } from '../lib/format';

const NOTIFICATION_LABELS: Record<string, string> = {
  email: 'Email me when suggestions are waiting',
  emailApprovals: 'Include approve and reject links in emails',
  digest: 'Send a daily digest instead of one email each',
  runFailures: 'Tell me when a run fails',
  connectorHealth: 'Tell me when an account needs reconnecting',
};

function download(name: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function SettingsPage() {
  const client = useQueryClient();
  const { manager } = useAuth();
  const me = useApiQuery<Profile>('/me');
  const usage = useApiQuery<Usage>('/usage');
  const zones = useMemo(allTimeZones, []);
  const [displayName, setDisplayName] = useState('');
  const [timezone, setTimezone] = useState('UTC');
  const [notifications, setNotifications] = useState<NotificationPreferences>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const [exportResult, setExportResult] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [confirmText, setConfirmText] = useState('');
  const [deleteError, setDeleteError] = useState<unknown>(null);

  useEffect(() => {
    if (!me.data) return;
    setDisplayName(me.data.displayName ?? '');
    setTimezone(me.data.timezone ?? 'UTC');
    setNotifications(me.data.notifications ?? {});
  }, [me.data]);

  if (me.isLoading) return <Loading />;
  if (me.error || !me.data) return <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />;
  const email = me.data.email ?? '';

  const save = async () => {
    setSaving(true);
    setSaved(false);
    setSaveError(null);
    try {
      await apiRequest('/me', { method: 'PATCH', body: { displayName: displayName.trim(), timezone, notifications } });
      await invalidatePaths(client, ['/me']);
      setSaved(true);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  const exportData = async () => {
    setExporting(true);
    setExportError(null);
    setExportResult(null);
    try {
      const { data, status } = await apiRequestWithHeaders<Record<string, unknown>>('/me/export');
      const link = (data?.downloadUrl ?? data?.url ?? data?.href) as string | undefined;
      if (status === 202 && link) {
        setExportResult('Your export is large, so it is being prepared as a file.');
        window.open(link, '_blank', 'noopener');
      } else {
        const stamp = new Date().toISOString().slice(0, 10);
        download(`personal-agents-export-${stamp}.json`, JSON.stringify(data, null, 2));
        setExportResult('Your data was downloaded as a JSON file.');
      }
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };

  const deleteAccount = async () => {
    setDeleteError(null);
    try {
      await apiRequest('/me', { method: 'DELETE' });
      await manager.removeUser();
      window.location.assign('/');
    } catch (err) {
      setDeleteError(err);
    }
  };

  return (
    <>
      <PageHeader title="Settings" subtitle={email ? `Signed in as ${email}` : undefined} />
      <Section title="Profile">
        <Box component="form" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }} sx={{ display: 'grid', gap: 2, maxWidth: 480 }}>
          <TextField label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} slotProps={{ htmlInput: { maxLength: 100 } }} />
          <Autocomplete options={zones} value={timezone} disableClearable onChange={(_, z) => z && setTimezone(z)} renderInput={(params) => <TextField {...params} label="Time zone" helperText="Schedules and times are shown in this zone." />} />
          <Typography variant="h3" component="h3" sx={{ mt: 1 }}>Notifications</Typography>
          {Object.keys({ ...NOTIFICATION_LABELS, ...notifications }).filter((k) => typeof (notifications[k] ?? false) === 'boolean').map((key) => (
            <FormControlLabel
              key={key}
              control={<Switch checked={Boolean(notifications[key])} onChange={(e) => setNotifications({ ...notifications, [key]: e.target.checked })} />}
              label={NOTIFICATION_LABELS[key] ?? humanize(key)}
            />
          ))}
          {saveError ? <ErrorNotice error={saveError} /> : null}
          {saved && <Alert severity="success">Saved.</Alert>}
          <Box><Button type="submit" variant="contained" disabled={saving}>{saving ? 'Saving…' : 'Save'}</Button></Box>
        </Box>
      </Section>
      <Section title={me.data.tier ? `Plan: ${humanize(me.data.tier)}` : 'Plan and usage'}>
        {usage.isLoading ? <Loading /> : usage.error ? <ErrorNotice error={usage.error} /> : <UsageMeters usage={usage.data} />}
      </Section>
      <Section title="Your data">
        <Typography sx={{ mb: 2 }}>Download everything we keep about you: profile, agents, runs, suggestions and the audit trail.</Typography>
        <Button variant="outlined" onClick={() => void exportData()} disabled={exporting}>{exporting ? 'Preparing…' : 'Export my data'}</Button>
        {exportResult && <Alert severity="success" sx={{ mt: 2 }}>{exportResult}</Alert>}
        {exportError ? <ErrorNotice error={exportError} /> : null}
      </Section>
      <Section title="Delete account">
        <Typography sx={{ mb: 2 }}>
          Deletes your agents, runs, suggestions, connected accounts and files, everywhere, and stops anything running. This cannot be undone.
        </Typography>
        <Button color="error" variant="outlined" onClick={() => setDeleteOpen(true)}>Delete my account</Button>
      </Section>
      <Dialog open={deleteOpen} onClose={() => setDeleteOpen(false)} aria-labelledby="delete-account-title">
        <DialogTitle id="delete-account-title">Delete your account?</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            Everything is erased and cannot be recovered. Type <strong>{email || 'DELETE'}</strong> to confirm.
          </DialogContentText>
          <TextField fullWidth label="Confirmation" value={confirmText} onChange={(e) => setConfirmText(e.target.value)} autoFocus />
          {deleteError ? <ErrorNotice error={deleteError} /> : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDeleteOpen(false)}>Keep my account</Button>
          <Button color="error" variant="contained" disabled={confirmText.trim().toLowerCase() !== (email || 'DELETE').toLowerCase()} onClick={() => void deleteAccount()}>
            Delete everything
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
