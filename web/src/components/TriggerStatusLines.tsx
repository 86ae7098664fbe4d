import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router-dom';
import type { TriggerStatus } from '../api/types';
import { dateTime } from '../lib/format';

type TriggerState = TriggerStatus['triggers'][number];
type Account = TriggerState['accounts'][number];

/** What the person calls each provider's service behind a source. */
const SERVICE: Record<string, Record<Account['provider'], string>> = {
  'mail.received': { google: 'Gmail', microsoft: 'Outlook', notion: 'Notion' },
  'calendar.changed': { google: 'Google Calendar', microsoft: 'Outlook calendar', notion: 'Notion' },
  'files.changed': { google: 'Google Drive', microsoft: 'OneDrive', notion: 'Notion' },
};

function every(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? 'every second' : `every ${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'every minute' : `every ${minutes} minutes`;
}

function AccountLine({ on, account }: { on: string; account: Account }) {
  const name = `${SERVICE[on]?.[account.provider] ?? account.provider} (${account.account})`;
  if (account.mode === 'attention')
    return (
      <Typography variant="body2" color="error">
        {name}: needs attention: “{account.reason}” —{' '}
        <Link component={RouterLink} to="/connectors">
          Reconnect
        </Link>
      </Typography>
    );
  const how =
    account.mode === 'push'
      ? `push notifications active until ${dateTime(account.expiresAt)}`
      : `checked for changes ${every(account.pollSeconds ?? 60)}` +
        (account.reason ? ` (push notifications stopped: ${account.reason})` : '');
  return (
    <Typography variant="body2" color="text.secondary">
      {name}: {how}
    </Typography>
  );
}

/** Under a saved trigger: the last run it started (a link to it) and how each watched account's changes arrive. */
export function TriggerStatusLines({ state }: { state: TriggerState }) {
  return (
    <div aria-live="polite">
      <Typography variant="body2">
        {state.lastStartedAt ? (
          <>
            Last started a run {dateTime(state.lastStartedAt)}
            {state.lastRunId && (
              <>
                {' — '}
                <Link component={RouterLink} to={`/runs/${encodeURIComponent(state.lastRunId)}`}>
                  View run
                </Link>
              </>
            )}
          </>
        ) : (
          'Has not started a run yet'
        )}
      </Typography>
      {state.accounts.map((account) => (
        <AccountLine key={account.connectorId} on={state.on} account={account} />
      ))}
    </div>
  );
}
