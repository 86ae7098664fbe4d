import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { fieldLabel } from '../api/client';
import { diffWords } from '../lib/diff';
import { dateTime } from '../lib/format';
import { plural } from '../lib/plural';

type Payload = Record<string, unknown>;

/** The payload fields a person may change before approving, per kind (others are fixed, e.g. ids). */
const EDITABLE: Record<string, { key: string; label: string; multiline?: boolean; list?: boolean }[]> = {
  'email.reply': [
    { key: 'to', label: 'To', list: true },
    { key: 'cc', label: 'Cc', list: true },
    { key: 'subject', label: 'Subject' },
    { key: 'body', label: 'Message', multiline: true },
  ],
  'calendar.create': [
    { key: 'title', label: 'Title' },
    { key: 'start', label: 'Starts (ISO date and time)' },
    { key: 'end', label: 'Ends (ISO date and time)' },
    { key: 'attendees', label: 'Guests', list: true },
    { key: 'location', label: 'Location' },
    { key: 'description', label: 'Description', multiline: true },
  ],
  'doc.create': [
    { key: 'title', label: 'Title' },
    { key: 'content', label: 'Content', multiline: true },
  ],
  'notion.page': [
    { key: 'title', label: 'Title' },
    { key: 'content', label: 'Content', multiline: true },
  ],
  task: [
    { key: 'title', label: 'Title' },
    { key: 'notes', label: 'Notes', multiline: true },
  ],
  'email.label': [{ key: 'labels', label: 'Labels', list: true }],
};
EDITABLE['email.draft'] = EDITABLE['email.reply']!;

const text = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v));

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box
      sx={{
        display: 'grid',
        gridTemplateColumns: { xs: '1fr', sm: '110px 1fr' },
        gap: { xs: 0, sm: 2 },
        py: 0.75,
        borderBottom: '1px solid #eeebe5',
      }}
    >
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Box sx={{ minWidth: 0 }}>{children}</Box>
    </Box>
  );
}

function Diff({ before, after }: { before: string; after: string }) {
  if (before === after) return <pre className="preview">{after}</pre>;
  return (
    <pre className="preview" aria-label="Changes">
      {diffWords(before, after).map((part, i) =>
        part.type === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : part.type === 'add' ? (
          <ins key={i} className="diff-add">
            {part.text}
          </ins>
        ) : (
          <del key={i} className="diff-del">
            {part.text}
          </del>
        ),
      )}
    </pre>
  );
}

/**
 * Exactly what will happen on approval. With `original`, changed fields show as a diff (removed words struck through,
 * added ones highlighted).
 */
export function SuggestionPreview({ kind, payload, original }: { kind: string; payload: Payload; original?: Payload }) {
  const fields = EDITABLE[kind] ?? [];
  const shown = fields.length
    ? fields
    : Object.keys(payload)
        .filter((k) => k !== 'connectorId')
        .map((key) => ({ key, label: key, multiline: true }));
  const extra: { key: string; label: string }[] = [];
  if (kind === 'calendar.create') extra.push({ key: 'timeZone', label: 'Time zone' });
  if (kind === 'email.label' || kind === 'email.archive') extra.push({ key: 'messageIds', label: 'Messages' });
  return (
    <Box>
      {[...shown, ...extra].map((f) => {
        const value = payload[f.key];
        if (
          (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) &&
          !(original && text(original[f.key]))
        )
          return null;
        let display = text(value);
        if ((f.key === 'start' || f.key === 'end') && typeof value === 'string')
          display = `${dateTime(value)} (${value})`;
        if (f.key === 'messageIds' && Array.isArray(value)) display = plural(value.length, 'message', 'messages');
        return (
          <Row key={f.key} label={f.label}>
            {original ? (
              <Diff before={text(original[f.key])} after={text(value)} />
            ) : (
              <pre className="preview">{display}</pre>
            )}
          </Row>
        );
      })}
    </Box>
  );
}

/** The platform's own preview of what approval does: the action, its fields and the exact text. */
export function ServerPreview({
  preview,
}: {
  preview: { action: string; fields: { label: string; value: string }[]; body?: string };
}) {
  return (
    <Box>
      <Typography sx={{ fontWeight: 600, mb: 1 }}>{preview.action}</Typography>
      {preview.fields.map((f) => (
        <Row key={f.label} label={f.label}>
          <pre className="preview">{f.value}</pre>
        </Row>
      ))}
      {preview.body !== undefined && (
        <Box sx={{ mt: 1.5, p: 2, bgcolor: '#faf9f6', border: '1px solid #eeebe5', borderRadius: 2 }}>
          <pre className="preview" aria-label="Exact text">
            {preview.body}
          </pre>
        </Box>
      )}
    </Box>
  );
}

/** The text a person edits, one string per editable field. */
export function draftsOf(kind: string, payload: Payload): Record<string, string> {
  return Object.fromEntries((EDITABLE[kind] ?? []).map((f) => [f.key, text(payload[f.key])]));
}

/** The changed fields only, typed as the payload expects (lists split on commas). */
export function editsFrom(kind: string, payload: Payload, drafts: Record<string, string>): Payload {
  const edits: Payload = {};
  for (const f of EDITABLE[kind] ?? []) {
    const draft = drafts[f.key];
    if (draft === undefined || draft === text(payload[f.key])) continue;
    edits[f.key] = f.list
      ? draft
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : draft;
  }
  return edits;
}

/** The API's error for an edited field, also when it names one entry of a list ("edits.to[1]"). */
function errorFor(errors: Record<string, string>, key: string): string | undefined {
  for (const base of [`edits.${key}`, key, `payload.${key}`]) {
    const match = Object.keys(errors).find((path) => path === base || path.startsWith(`${base}[`));
    if (match) return match === base ? errors[match] : `${fieldLabel(match)}: ${errors[match]}`;
  }
  return undefined;
}

const focusOnError = (el: HTMLElement | null) => el?.focus();

/** Editable fields of a suggestion's payload. */
export function SuggestionEditor({
  kind,
  drafts,
  onChange,
  errors,
}: {
  kind: string;
  drafts: Record<string, string>;
  onChange: (d: Record<string, string>) => void;
  errors: Record<string, string>;
}) {
  const fields = EDITABLE[kind] ?? [];
  const firstError = fields.find((f) => errorFor(errors, f.key))?.key;
  if (fields.length === 0) return <Typography color="text.secondary">This suggestion cannot be edited.</Typography>;
  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      {fields.map((f) => {
        const error = errorFor(errors, f.key);
        return (
          <TextField
            key={f.key}
            // The first field with an error takes the focus, so the person sees what to fix and where.
            inputRef={f.key === firstError ? focusOnError : undefined}
            label={f.label}
            value={drafts[f.key] ?? ''}
            multiline={f.multiline}
            minRows={f.multiline ? 6 : undefined}
            error={!!error}
            helperText={error ?? (f.list ? 'Separate with commas' : undefined)}
            onChange={(e) => onChange({ ...drafts, [f.key]: e.target.value })}
          />
        );
      })}
    </Box>
  );
}
