import { escapeHtml } from '../platform/http/html';
import { plural } from '../platform/words';

/** A suggestion as listed in an email, with its one-click links when the person allows them. */
export interface EmailSuggestion {
  action: string;
  rationale: string;
  fields: { label: string; value: string }[];
  body?: string;
  riskMessages: string[];
  expiresAt: string;
  openUrl: string;
  approveUrl?: string;
  rejectUrl?: string;
  /** Why it can only be approved in the app (no one-click buttons then). */
  blockedReason?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

interface Frame {
  displayName: string;
  timezone: string;
  unsubscribeUrl: string;
  settingsUrl: string;
}

function localTime(iso: string, timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone }).format(
      new Date(iso),
    );
  } catch {
    return iso;
  }
}

const BUTTON =
  'display:inline-block;padding:8px 16px;border-radius:6px;text-decoration:none;font-weight:600;margin-right:8px';

function layout(frame: Frame, title: string, inner: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328;max-width:640px;margin:0 auto;padding:16px">
<p>Hi ${escapeHtml(frame.displayName)},</p>
${inner}
<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0">
<p style="color:#59636e;font-size:13px">You get these emails because of your notification settings.
<a href="${escapeHtml(frame.settingsUrl)}">Change settings</a> · <a href="${escapeHtml(frame.unsubscribeUrl)}">Unsubscribe</a></p>
</body></html>`;
}

function footerText(frame: Frame): string {
  return `\n--\nYou get these emails because of your notification settings.\nChange settings: ${frame.settingsUrl}\nUnsubscribe: ${frame.unsubscribeUrl}\n`;
}

function suggestionHtml(s: EmailSuggestion, timezone: string): string {
  const fields = s.fields
    .map(
      (f) =>
        `<tr><td style="color:#59636e;padding-right:12px">${escapeHtml(f.label)}</td><td>${escapeHtml(f.value)}</td></tr>`,
    )
    .join('');
  const risks = s.riskMessages.length
    ? `<ul style="color:#9a6700;margin:8px 0">${s.riskMessages.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`
    : '';
  const links =
    s.approveUrl && s.rejectUrl
      ? `<p><a href="${escapeHtml(s.approveUrl)}" style="${BUTTON};background:#1f883d;color:#fff">Approve</a><a href="${escapeHtml(s.rejectUrl)}" style="${BUTTON};background:#fff;color:#1f2328;border:1px solid #d0d7de">Reject</a> <a href="${escapeHtml(s.openUrl)}">Open in the app</a></p>`
      : `${s.blockedReason ? `<p style="color:#9a6700;font-weight:600">${escapeHtml(s.blockedReason)}</p>` : ''}<p><a href="${escapeHtml(s.openUrl)}">Open in the app</a></p>`;
  return `<div style="border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0">
<p style="font-weight:600;margin:0 0 6px">${escapeHtml(s.action)}</p>
<p style="color:#59636e;margin:0 0 8px">${escapeHtml(s.rationale)}</p>
<table style="font-size:14px">${fields}</table>
${s.body ? `<pre style="white-space:pre-wrap;background:#f6f8fa;padding:8px;border-radius:6px;font-family:inherit">${escapeHtml(s.body)}</pre>` : ''}
${risks}
<p style="color:#59636e;font-size:13px;margin:4px 0">Waits for your decision until ${escapeHtml(localTime(s.expiresAt, timezone))}.</p>
${links}
</div>`;
}

function suggestionText(s: EmailSuggestion, timezone: string): string {
  const lines = [`* ${s.action}`, `  Why: ${s.rationale}`, ...s.fields.map((f) => `  ${f.label}: ${f.value}`)];
  if (s.body) lines.push('  ---', ...s.body.split('\n').map((l) => `  ${l}`), '  ---');
  for (const m of s.riskMessages) lines.push(`  ! ${m}`);
  lines.push(`  Waits for your decision until ${localTime(s.expiresAt, timezone)}.`);
  if (s.approveUrl && s.rejectUrl) lines.push(`  Approve: ${s.approveUrl}`, `  Reject:  ${s.rejectUrl}`);
  else if (s.blockedReason) lines.push(`  ${s.blockedReason}`);
  lines.push(`  Open in the app: ${s.openUrl}`);
  return lines.join('\n');
}

function suggestionList(
  frame: Frame,
  subject: string,
  intro: string,
  items: EmailSuggestion[],
  inboxUrl: string,
): RenderedEmail {
  const html = layout(
    frame,
    subject,
    `<p>${escapeHtml(intro)}</p>${items.map((s) => suggestionHtml(s, frame.timezone)).join('')}<p><a href="${escapeHtml(inboxUrl)}">All suggestions waiting for you</a></p>`,
  );
  const text = `Hi ${frame.displayName},\n\n${intro}\n\n${items.map((s) => suggestionText(s, frame.timezone)).join('\n\n')}\n\nAll suggestions waiting for you: ${inboxUrl}\n${footerText(frame)}`;
  return { subject, html, text };
}

export function newSuggestionsEmail(frame: Frame, items: EmailSuggestion[], inboxUrl: string): RenderedEmail {
  const subject =
    items.length === 1
      ? `Your approval is needed: ${items[0]!.action}`
      : `${plural(items.length, 'suggestion needs', 'suggestions need')} your approval`;
  return suggestionList(
    frame,
    subject,
    'Your agents propose the following. Nothing happens until you approve.',
    items,
    inboxUrl,
  );
}

export function digestEmail(frame: Frame, items: EmailSuggestion[], inboxUrl: string): RenderedEmail {
  const subject = `Daily digest: ${plural(items.length, 'suggestion', 'suggestions')} waiting for you`;
  return suggestionList(frame, subject, 'These suggestions are waiting for your decision.', items, inboxUrl);
}

export function reminderEmail(frame: Frame, item: EmailSuggestion, inboxUrl: string): RenderedEmail {
  const subject = `Reminder: ${item.action} expires soon`;
  return suggestionList(
    frame,
    subject,
    'This suggestion expires soon. Without a decision it will not be carried out.',
    [item],
    inboxUrl,
  );
}

export function connectorReauthEmail(
  frame: Frame,
  connector: { provider: string; account?: string },
  reconnectUrl: string,
): RenderedEmail {
  const name = `${connector.provider}${connector.account ? ` (${connector.account})` : ''}`;
  const subject = `Reconnect ${connector.provider}: your agents cannot reach it`;
  const intro = `Your connection to ${name} needs you to sign in again. Until then, agents that use it cannot run.`;
  return {
    subject,
    html: layout(
      frame,
      subject,
      `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(reconnectUrl)}" style="${BUTTON};background:#1f6feb;color:#fff">Reconnect</a></p>`,
    ),
    text: `Hi ${frame.displayName},\n\n${intro}\n\nReconnect: ${reconnectUrl}\n${footerText(frame)}`,
  };
}

/** Why a run could not finish, as the email says it: each kind has its own words and its one button. */
export type RunFailure =
  | { kind: 'reconnect'; reason: string }
  | { kind: 'limit'; reason: string; resetsAt: string | null }
  | { kind: 'model'; reason: string }
  | { kind: 'other'; reason: string };

/** A run that failed or stopped, named after its agent or workflow. */
export interface FailedRun {
  runId: string;
  target: { type: 'agent' | 'workflow'; id: string; name: string };
  at: string;
  failure: RunFailure;
}

/** The failure in words, with its "It resets at <ISO time>" said in the person's zone. */
function failureWords(failure: RunFailure, timezone: string): string {
  switch (failure.kind) {
    case 'model':
      return 'The AI model it uses did not answer. This usually passes within minutes.';
    case 'limit': {
      const reason = failure.reason.replace(/\s*It resets at \S+?\.?$/, '');
      return failure.resetsAt ? `${reason} It starts over on ${localTime(failure.resetsAt, timezone)}.` : reason;
    }
    default:
      return failure.reason;
  }
}

/**
 * "Inbox Triage could not finish": the cause in words and one button, "Reconnect" (to the connections page) when an
 * account must be connected again, "Run again" (to the agent's or workflow's page) otherwise.
 */
export function runFailedEmail(
  frame: Frame,
  run: FailedRun,
  urls: { runUrl: string; reconnectUrl: string; targetUrl: string },
): RenderedEmail {
  const name = run.target.name;
  const subject = `${name} could not finish`;
  const intro = `${name} could not finish its run of ${localTime(run.at, frame.timezone)}. ${failureWords(run.failure, frame.timezone)}`;
  const reconnect = run.failure.kind === 'reconnect';
  const next = reconnect
    ? 'Reconnect the account, then run it again.'
    : run.failure.kind === 'limit'
      ? `You can run ${name} again once the limit starts over.`
      : `You can run ${name} again now.`;
  const button = reconnect
    ? { label: 'Reconnect', url: urls.reconnectUrl }
    : { label: 'Run again', url: urls.targetUrl };
  return {
    subject,
    html: layout(
      frame,
      subject,
      `<p>${escapeHtml(intro)}</p><p>${escapeHtml(next)}</p>` +
        `<p><a href="${escapeHtml(button.url)}" style="${BUTTON};background:#1f6feb;color:#fff">${button.label}</a></p>` +
        `<p style="font-size:14px"><a href="${escapeHtml(urls.runUrl)}">See what happened in the run</a></p>`,
    ),
    text: `Hi ${frame.displayName},\n\n${intro}\n\n${next}\n\n${button.label}: ${button.url}\nSee what happened in the run: ${urls.runUrl}\n${footerText(frame)}`,
  };
}

export function webhookDisabledEmail(
  frame: Frame,
  webhook: { url: string; reason: string },
  settingsUrl: string,
): RenderedEmail {
  const subject = 'A webhook was turned off: its endpoint kept failing';
  const intro =
    `We stopped sending events to ${webhook.url}: ${webhook.reason} ` +
    'Check the receiver, then turn the webhook back on in Settings → API access (you can redeliver what it missed).';
  return {
    subject,
    html: layout(
      frame,
      subject,
      `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(settingsUrl)}">Open API access</a></p>`,
    ),
    text: `Hi ${frame.displayName},\n\n${intro}\n\nOpen API access: ${settingsUrl}\n${footerText(frame)}`,
  };
}
