import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { useState, type ReactNode } from 'react';
import { plainError } from '../api/client';
import { useApiQuery } from '../api/hooks';
import type { SourceMessage as SourceMessageData, Suggestion, SuggestionSource } from '../api/types';
import { dateTime } from '../lib/format';
import { messageSourceOf, sender } from '../lib/sources';

/** Bodies longer than this are shown cut, with "Show more". */
const COLLAPSED_CHARS = 600;
const COLLAPSED_LINES = 12;
/** Messages a label or archive suggestion lists before "and N more". */
const LISTED_MESSAGES = 10;

const PROVIDER_APPS: Record<string, string> = { google: 'Gmail', microsoft: 'Outlook' };

/** The first lines of a long text, cut at a line or word end; undefined when the text is short enough to show whole. */
function collapsed(text: string): string | undefined {
  const lines = text.split('\n');
  let cut = lines.length > COLLAPSED_LINES ? lines.slice(0, COLLAPSED_LINES).join('\n') : text;
  if (cut.length > COLLAPSED_CHARS) cut = cut.slice(0, cut.lastIndexOf(' ', COLLAPSED_CHARS) + 1 || COLLAPSED_CHARS);
  return cut.length < text.length ? `${cut.trimEnd()}…` : undefined;
}

/** Only web addresses open from here (a provider's link is data like any other). */
const safeLink = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

function Header({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '64px minmax(0, 1fr)', gap: 1 }}>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Box>
  );
}

/** The body as plain text (React renders it as text: markup in a mail never becomes markup here). */
function Body({ text }: { text: string }) {
  const [expanded, setExpanded] = useState(false);
  const short = collapsed(text);
  return (
    <Box>
      <pre className="preview" aria-label="Text of the mail" style={{ fontFamily: 'inherit' }}>
        {expanded || !short ? text : short}
      </pre>
      {short && (
        <Button size="small" onClick={() => setExpanded((e) => !e)} aria-expanded={expanded} sx={{ mt: 0.5 }}>
          {expanded ? 'Show less' : 'Show more'}
        </Button>
      )}
    </Box>
  );
}

/** What the suggestion kept about the message: enough to recognise it when the account cannot be read. */
function StoredHeaders({ source }: { source: SuggestionSource }) {
  return (
    <>
      {source.from && <Header label="From">{sender(source.from, true)}</Header>}
      {source.date && <Header label="Date">{dateTime(source.date)}</Header>}
      {source.title && <Header label="Subject">{source.title}</Header>}
    </>
  );
}

function LiveMessage({ message }: { message: SourceMessageData }) {
  const link = safeLink(message.webLink);
  const app = PROVIDER_APPS[message.provider] ?? 'your mail';
  return (
    <>
      <Header label="From">{sender(message.from, true)}</Header>
      <Header label="Date">{dateTime(message.date)}</Header>
      <Header label="Subject">{message.subject || '(no subject)'}</Header>
      <Box sx={{ mt: 1, p: 1.5, bgcolor: '#faf9f6', border: '1px solid #eeebe5', borderRadius: 2 }}>
        <Body text={message.text} />
        {message.truncated && (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            Earlier quoted mail and very long text are left out here.
          </Typography>
        )}
      </Box>
      {link && (
        <Link href={link} target="_blank" rel="noopener noreferrer" sx={{ mt: 1, display: 'inline-block' }}>
          Open in {app}
        </Link>
      )}
    </>
  );
}

/**
 * The mail a suggestion answers, read from the person's account when the dialog opens (it is not kept by the app).
 * When it cannot be read (deleted, account disconnected), says why in words and shows what the suggestion kept.
 * On phones it can be folded away above the draft.
 */
export function SourceMessage({ suggestion, foldable }: { suggestion: Suggestion; foldable: boolean }) {
  const stored = messageSourceOf(suggestion);
  const [open, setOpen] = useState(true);
  const query = useApiQuery<SourceMessageData>(
    `/suggestions/${encodeURIComponent(suggestion.id)}/source`,
    undefined,
    // Deleted or disconnected stays so until the person acts: asking again at once would not change the answer.
    { retry: false, staleTime: 60_000 },
  );
  return (
    <Box component="section" aria-labelledby="source-message-title" sx={{ minWidth: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 1, mb: 1 }}>
        <Typography variant="h3" component="h3" id="source-message-title">
          The mail it answers
        </Typography>
        {foldable && (
          <Button size="small" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
            {open ? 'Hide' : 'Show'}
          </Button>
        )}
      </Box>
      {open &&
        (query.data ? (
          <LiveMessage message={query.data} />
        ) : (
          <>
            {stored && <StoredHeaders source={stored} />}
            {query.isLoading ? (
              <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                Reading the message from your account…
              </Typography>
            ) : (
              <Alert severity="warning" sx={{ mt: 1 }}>
                The message cannot be shown: {plainError(query.error)}
              </Alert>
            )}
          </>
        ))}
    </Box>
  );
}

/** The messages a label or archive suggestion acts on: sender, subject and date of each, then "and N more". */
export function SourceMessageList({ suggestion }: { suggestion: Suggestion }) {
  const messages = suggestion.sources.filter((s) => s.type === 'message');
  const ids = suggestion.payload.messageIds;
  const total = Math.max(Array.isArray(ids) ? ids.length : 0, messages.length);
  if (messages.length === 0) return null;
  const shown = messages.slice(0, LISTED_MESSAGES);
  return (
    <Box component="section" aria-labelledby="source-messages-title">
      <Typography variant="h3" component="h3" id="source-messages-title" sx={{ mb: 1 }}>
        {total === 1 ? 'The message' : `The ${total} messages`}
      </Typography>
      <Box component="ul" aria-labelledby="source-messages-title" sx={{ m: 0, p: 0, listStyle: 'none' }}>
        {shown.map((m) => (
          <Box component="li" key={m.id} sx={{ py: 0.75, borderBottom: '1px solid #eeebe5', minWidth: 0 }}>
            <Box sx={{ display: 'flex', gap: 1, justifyContent: 'space-between', flexWrap: 'wrap' }}>
              <Typography variant="body2" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
                {m.from ? sender(m.from) : 'Unknown sender'}
              </Typography>
              {m.date && (
                <Typography variant="body2" color="text.secondary">
                  {dateTime(m.date)}
                </Typography>
              )}
            </Box>
            <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
              {m.title || '(no subject)'}
            </Typography>
          </Box>
        ))}
      </Box>
      {total > shown.length && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          and {total - shown.length} more
        </Typography>
      )}
    </Box>
  );
}
