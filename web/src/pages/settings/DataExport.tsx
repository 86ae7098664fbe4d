import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, apiRequest } from '../../api/client';
import type { DataExport as Export } from '../../api/types';
import { ErrorNotice } from '../../components/states';
import { count, dateTime } from '../../lib/format';

/** The export this browser last asked for, per person, so coming back to Settings shows it (until it expires). */
const remembered = (tenantId: string) => `personal-agents.export-id.${tenantId}`;
/** How often a running export's progress is read. */
const POLL_MS = 1500;

function size(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * "Export my data": starts an export, shows its progress while it is written in the background, then offers the
 * file. The download link is short-lived, so a fresh one is fetched when the person clicks Download.
 */
export function DataExport({ tenantId }: { tenantId: string }) {
  const key = remembered(tenantId);
  const [current, setCurrent] = useState<Export | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [gone, setGone] = useState(false);

  /** The export's status; an export that expired (404) is forgotten and said to be gone. */
  const read = useCallback(
    async (id: string): Promise<Export | null> => {
      try {
        return await apiRequest<Export>(`/me/exports/${encodeURIComponent(id)}`);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
        localStorage.removeItem(key);
        setCurrent(null);
        setGone(true);
        return null;
      }
    },
    [key],
  );

  // An export asked for earlier in this browser: show where it stands.
  useEffect(() => {
    const id = localStorage.getItem(key);
    if (!id) return;
    read(id)
      .then((found) => found && setCurrent(found))
      .catch(() => localStorage.removeItem(key));
  }, [key, read]);

  // While it is being written, its progress is read every moment.
  useEffect(() => {
    if (current?.status !== 'running') return;
    let stopped = false;
    const timer = setTimeout(() => {
      read(current.id)
        .then((next) => !stopped && next && setCurrent(next))
        .catch((err) => !stopped && setError(err));
    }, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [current, read]);

  const start = async () => {
    setStarting(true);
    setError(null);
    setGone(false);
    try {
      const started = await apiRequest<Export>('/me/exports', { method: 'POST' });
      localStorage.setItem(key, started.id);
      setCurrent(started);
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  };

  const download = async () => {
    if (!current) return;
    setError(null);
    try {
      const fresh = await read(current.id);
      if (fresh?.download) window.location.assign(fresh.download.url);
    } catch (err) {
      setError(err);
    }
  };

  const running = current?.status === 'running';
  const total = current?.progress.total;
  const percent = total ? Math.min(100, Math.round((100 * current.progress.written) / total)) : undefined;
  const documents = current?.documents ? Object.values(current.documents).reduce((a, b) => a + b, 0) : 0;

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      <Typography>
        Download everything we keep about you: profile, agents, runs, suggestions, files and the audit trail. We prepare
        it in the background; you can leave this page and come back.
      </Typography>
      {running && (
        <Box role="status" aria-live="polite">
          <Typography sx={{ mb: 1 }}>
            Preparing your export…{' '}
            {total !== undefined ? `${count(current.progress.written)} of ${count(total)} items collected.` : ''}
          </Typography>
          <LinearProgress
            variant={percent === undefined ? 'indeterminate' : 'determinate'}
            value={percent}
            aria-label="Export progress"
          />
        </Box>
      )}
      {current?.status === 'ready' && (
        <Alert severity="success" role="status">
          Your export is ready: {count(documents)} items
          {current.blobs ? ` and ${count(current.blobs)} files` : ''}, {size(current.size)}. Available until{' '}
          {dateTime(current.expiresAt)}.
        </Alert>
      )}
      {current?.status === 'failed' && (
        <Alert severity="error">{current.reason ?? 'Your export could not be prepared. Please try again.'}</Alert>
      )}
      {gone && <Alert severity="info">Your last export has expired and was deleted. Start a new one any time.</Alert>}
      {error ? <ErrorNotice error={error} /> : null}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        {current?.status === 'ready' && (
          <Button variant="contained" onClick={() => void download()}>
            Download
          </Button>
        )}
        <Button variant="outlined" onClick={() => void start()} disabled={starting || running}>
          {running || starting ? 'Preparing…' : current ? 'Export my data again' : 'Export my data'}
        </Button>
      </Box>
    </Box>
  );
}
