import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useEffect, useState } from 'react';
import { useApiQuery } from '../api/hooks';
import type { Suggestion } from '../api/types';
import { fieldErrors } from '../lib/field-errors';
import { dateTime, relative, timeOfDay } from '../lib/format';
import { KIND_LABELS, suggestionTitle } from '../lib/labels';
import { answersMessage, sourceLabel } from '../lib/sources';
import { SourceMessage, SourceMessageList } from './SourceMessage';
import { ErrorNotice, Loading } from './states';
import { StatusChip } from './StatusChip';
import { ServerPreview, SuggestionEditor, SuggestionPreview, draftsOf, editsFrom } from './SuggestionPreview';

/** Short headings for the platform's risk flags; the flag's own message explains it. */
const RISK_TITLES: Record<string, string> = {
  'instructions-in-source': 'Instructions aimed at an assistant',
  'link-not-in-source': 'A link from elsewhere',
  'content-from-other-source': 'Text from another item',
  'sensitive-data': 'Sensitive data',
  'added-recipients': 'Recipients you added',
  'recipient-not-in-source': 'Recipients not in the mail answered',
  'external-recipients': 'Outside recipients',
  'many-recipients': 'Many recipients',
  'many-items': 'Many items',
  'links-in-body': 'Links in the text',
  'low-confidence': 'Agent unsure',
  'outside-hours': 'Outside your hours',
};

export interface Decision {
  id: string;
  action: 'approve' | 'reject' | 'undo';
  edits?: Record<string, unknown>;
  reason?: string;
}

function canUndo(s: Suggestion): boolean {
  return s.undo.available && (!s.undo.until || new Date(s.undo.until).getTime() > Date.now());
}

/** One suggestion: why, from what, the risks, exactly what will happen; edit, approve, reject or undo. */
export function SuggestionDialog({
  id,
  onClose,
  onDecide,
  busy,
  error,
}: {
  id: string;
  onClose: () => void;
  onDecide: (d: Decision) => Promise<boolean>;
  busy: boolean;
  error: unknown;
}) {
  const phone = useMediaQuery('(max-width:599px)');
  const query = useApiQuery<Suggestion>(`/suggestions/${encodeURIComponent(id)}`);
  const s = query.data;
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [confirmDiscard, setConfirmDiscard] = useState(false);

  useEffect(() => {
    if (s) setDrafts(draftsOf(s.kind, s.payload));
  }, [s?.id, s?.kind]); // eslint-disable-line react-hooks/exhaustive-deps

  const errorsByField = fieldErrors(error);
  const hasFieldErrors = Object.keys(errorsByField).length > 0;
  // An edit the API refused is shown where it was made: the editor opens on the field at fault.
  useEffect(() => {
    if (hasFieldErrors) setEditing(true);
  }, [hasFieldErrors, error]);

  const edits = s ? editsFrom(s.kind, s.payload, drafts) : {};
  const edited = Object.keys(edits).length > 0;
  const pending = s?.status === 'pending';
  /** Unsaved work the person would lose by closing: edits to the draft, or a reason typed for rejecting. */
  const dirty = pending && (edited || (rejecting && reason.trim() !== ''));
  const close = () => (dirty ? setConfirmDiscard(true) : onClose());
  const flags = s?.riskFlags ?? [];
  /** A reply is judged beside the mail it answers: side by side on wide screens, that mail above it on phones. */
  const beside = !!s && answersMessage(s);
  const listsMessages = s?.kind === 'email.label' || s?.kind === 'email.archive';
  const expiresSoon = s?.expiresAt ? new Date(s.expiresAt).getTime() - Date.now() < 6 * 3600_000 : false;

  return (
    <Dialog
      open
      onClose={close}
      fullScreen={phone}
      fullWidth
      maxWidth={beside ? 'lg' : 'md'}
      aria-labelledby="suggestion-title"
    >
      <DialogTitle id="suggestion-title" sx={{ pr: 6 }}>
        {s ? suggestionTitle(s) : 'Suggestion'}
      </DialogTitle>
      {/* Focusable: a long suggestion scrolls here, and keyboards must be able to scroll it too. */}
      <DialogContent dividers tabIndex={0}>
        {query.isLoading ? (
          <Loading />
        ) : query.error || !s ? (
          <ErrorNotice error={query.error} />
        ) : (
          <Box sx={{ display: 'grid', gap: 2 }}>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
              <StatusChip status={s.status} />
              <Chip size="small" variant="outlined" label={KIND_LABELS[s.kind] ?? s.kind} />
              {s.expiresAt && pending && (
                <Typography variant="body2" color={expiresSoon ? 'warning.main' : 'text.secondary'}>
                  Expires {relative(s.expiresAt)} ({dateTime(s.expiresAt)})
                </Typography>
              )}
              {s.confidence !== undefined && (
                <Typography variant="body2" color="text.secondary">
                  Agent confidence {Math.round(s.confidence * 100)}%
                </Typography>
              )}
            </Box>
            {s.rationale && (
              <Box>
                <Typography variant="h3" component="h3">
                  Why
                </Typography>
                <Typography>{s.rationale}</Typography>
              </Box>
            )}
            {flags.length > 0 && (
              <Box component="section" aria-label="Risks">
                {flags.some((f) => f.blocking) && pending && (
                  <Typography variant="body2" sx={{ mb: 1 }}>
                    The agent may have been steered by what it read, so this can only be approved here, after you check
                    it: not in bulk and not from an email.
                  </Typography>
                )}
                {flags.map((f) => (
                  <Alert key={f.code} severity={f.blocking ? 'error' : 'warning'} sx={{ mb: 1 }}>
                    <strong>{RISK_TITLES[f.code] ?? 'Check this'}:</strong> {f.message}
                  </Alert>
                ))}
              </Box>
            )}
            <Box
              sx={{
                display: 'grid',
                gap: 3,
                alignItems: 'start',
                gridTemplateColumns: beside
                  ? { xs: 'minmax(0, 1fr)', md: 'repeat(2, minmax(0, 1fr))' }
                  : 'minmax(0, 1fr)',
              }}
            >
              {beside && <SourceMessage suggestion={s} foldable={phone} />}
              <Box sx={{ minWidth: 0 }}>
                <Typography variant="h3" component="h3" sx={{ mb: 1 }}>
                  {pending
                    ? edited
                      ? 'What will happen, with your changes'
                      : 'What will happen'
                    : s.status === 'approved'
                      ? 'What will happen'
                      : 'What it did'}
                </Typography>
                {editing ? (
                  <SuggestionEditor kind={s.kind} drafts={drafts} onChange={setDrafts} errors={errorsByField} />
                ) : edited ? (
                  <SuggestionPreview kind={s.kind} payload={{ ...s.payload, ...edits }} original={s.payload} />
                ) : s.proposedPayload ? (
                  <SuggestionPreview kind={s.kind} payload={s.payload} original={s.proposedPayload} />
                ) : (
                  <ServerPreview preview={s.preview} />
                )}
              </Box>
            </Box>
            {listsMessages && <SourceMessageList suggestion={s} />}
            {!beside && !listsMessages && (s.sources?.length ?? 0) > 0 && (
              <Box>
                <Typography variant="h3" component="h3">
                  Based on
                </Typography>
                <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
                  {s.sources!.map((src) => (
                    <li key={`${src.type}:${src.id}`}>
                      <Typography variant="body2">{sourceLabel(src)}</Typography>
                    </li>
                  ))}
                </Box>
              </Box>
            )}
            {s.execution?.result?.detail && <Alert severity="success">{s.execution.result.detail}</Alert>}
            {s.execution?.error && <Alert severity="error">{s.execution.error}</Alert>}
            {s.decision?.reason && (
              <Typography variant="body2" color="text.secondary">
                Reason given: {s.decision.reason}
              </Typography>
            )}
            {s.heldUntil && canUndo(s) && (
              <Alert severity="info">Sending at {timeOfDay(s.heldUntil)}. Undo before then and nothing is sent.</Alert>
            )}
            {!pending && !s.heldUntil && s.undo.available && s.undo.description && (
              <Typography variant="body2" color="text.secondary">
                Undo available{s.undo.until ? ` until ${dateTime(s.undo.until)}` : ''}:{' '}
                {s.undo.description.toLowerCase()}.
              </Typography>
            )}
            {rejecting && (
              <TextField
                label="Reason (optional)"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                helperText="Helps the agent do better next time."
                autoFocus
              />
            )}
            {error ? <ErrorNotice error={error} /> : null}
          </Box>
        )}
      </DialogContent>
      <DialogActions sx={{ flexWrap: 'wrap', gap: 1 }}>
        <Button onClick={close}>Close</Button>
        {s && pending && !rejecting && (
          <>
            <Button onClick={() => setEditing((e) => !e)} disabled={busy}>
              {editing ? 'Preview changes' : 'Edit'}
            </Button>
            <Button color="error" onClick={() => setRejecting(true)} disabled={busy}>
              Reject
            </Button>
            <Button
              variant="contained"
              disabled={busy}
              onClick={() => void onDecide({ id: s.id, action: 'approve', edits: edited ? edits : undefined })}
            >
              {s.sends ? (edited ? 'Send with changes' : 'Send') : edited ? 'Approve with changes' : 'Approve'}
            </Button>
          </>
        )}
        {s && pending && rejecting && (
          <>
            <Button onClick={() => setRejecting(false)}>Back</Button>
            <Button
              color="error"
              variant="contained"
              disabled={busy}
              onClick={() => void onDecide({ id: s.id, action: 'reject', reason: reason.trim() || undefined })}
            >
              Confirm reject
            </Button>
          </>
        )}
        {s && !pending && canUndo(s) && (
          <Button variant="outlined" disabled={busy} onClick={() => void onDecide({ id: s.id, action: 'undo' })}>
            Undo
          </Button>
        )}
      </DialogActions>
      {confirmDiscard && (
        <Dialog open onClose={() => setConfirmDiscard(false)} aria-labelledby="discard-title">
          <DialogTitle id="discard-title">Discard your changes?</DialogTitle>
          <DialogContent>
            <Typography>What you changed in this suggestion has not been saved or sent.</Typography>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setConfirmDiscard(false)} autoFocus>
              Keep editing
            </Button>
            <Button color="error" onClick={onClose}>
              Discard
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Dialog>
  );
}
