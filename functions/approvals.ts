/**
 * Pages behind the links in notification emails. They carry their own signed token instead of a sign-in.
 * GET only shows what would happen (mail scanners open links); POST (the page's button) acts.
 */
import { z } from 'zod';
import type { Services } from '../shared/app/services';
import { httpRoute } from '../shared/app/http-route';
import { html } from '../shared/platform/http/responses';
import { escapeHtml, renderPage } from '../shared/platform/http/html';
import type { LinkOutcome } from '../shared/suggestions/approval-links';
import { signalDecisionOrLog } from '../shared/suggestions/approval-signal';

const tokenParams = z.object({ token: z.string().min(10).max(2048) });

function suggestionCard(outcome: LinkOutcome): string {
  const s = outcome.suggestion;
  if (!s) return '';
  const fields = s.preview.fields
    .map((f) => `<tr><td class="muted">${escapeHtml(f.label)}</td><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  const risks = s.riskFlags.length
    ? `<ul>${s.riskFlags.map((f) => `<li>${escapeHtml(f.message)}</li>`).join('')}</ul>`
    : '';
  return `<div class="card"><p><strong>${escapeHtml(s.preview.action)}</strong></p><p class="muted">${escapeHtml(s.rationale)}</p>
<table>${fields}</table>${s.preview.body ? `<pre>${escapeHtml(s.preview.body)}</pre>` : ''}${risks}</div>`;
}

/** Where a page of an emailed link leads into the app: the suggestion it was about, or the person's settings. */
interface AppLink {
  href: string;
  label: string;
}

function appLinks(services: Services, outcome: LinkOutcome): AppLink[] {
  const web = services.settings.WEB_BASE_URL.replace(/\/$/, '');
  const id = outcome.suggestion?.id ?? outcome.suggestionId;
  return id
    ? [
        { href: `${web}/suggestions/${encodeURIComponent(id)}`, label: 'Open this suggestion in the app' },
        { href: `${web}/suggestions`, label: 'All your suggestions' },
      ]
    : [{ href: `${web}/suggestions`, label: 'Open Personal Agents' }];
}

/** Every page behind an emailed link ends with a way into the app: none of them is a dead end. */
function outcomePage(outcome: LinkOutcome, links: AppLink[], form?: { action: string; label: string }) {
  const button = form
    ? `<form method="post" action="${escapeHtml(form.action)}"><button type="submit">${escapeHtml(form.label)}</button></form>`
    : '';
  const nav = `<nav aria-label="Personal Agents"><ul class="links">${links
    .map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`)
    .join('')}</ul></nav>`;
  const body = `<h1>${escapeHtml(outcome.title)}</h1><p>${escapeHtml(outcome.message)}</p>${suggestionCard(outcome)}${button}${nav}`;
  return html(renderPage(outcome.title, body), outcome.status);
}

function settingsLinks(services: Services): AppLink[] {
  const web = services.settings.WEB_BASE_URL.replace(/\/$/, '');
  return [{ href: `${web}/settings`, label: 'Notification settings in the app' }];
}

export const showApprovalLink = httpRoute({
  name: 'showApprovalLink',
  method: 'GET',
  route: 'approvals/{token}',
  summary: 'Confirmation page of an emailed approve/reject link (changes nothing)',
  tags: ['approvals'],
  auth: 'none',
  params: tokenParams,
  errorFormat: 'html',
  produces: 'text/html',
  async handler({ services, params }) {
    const outcome = await services.approvalLinks().inspect(params.token);
    const form =
      outcome.status === 200 && outcome.decision
        ? { action: `/api/approvals/${params.token}`, label: outcome.decision === 'approve' ? 'Approve' : 'Reject' }
        : undefined;
    return outcomePage(outcome, appLinks(services, outcome), form);
  },
});

export const useApprovalLink = httpRoute({
  name: 'useApprovalLink',
  method: 'POST',
  route: 'approvals/{token}',
  summary: 'Applies the decision of an emailed link once and shows the outcome',
  tags: ['approvals'],
  auth: 'none',
  params: tokenParams,
  errorFormat: 'html',
  produces: 'text/html',
  durable: true,
  async handler({ services, params, correlationId, durableClient, log }) {
    const outcome = await services.approvalLinks().decide(params.token, correlationId);
    if (outcome.status === 200 && outcome.suggestion) {
      const reminderBeforeSeconds = services.settings.SUGGESTION_REMINDER_BEFORE_SECONDS;
      await signalDecisionOrLog(durableClient(), outcome.suggestion, reminderBeforeSeconds, log);
    }
    return outcomePage(outcome, appLinks(services, outcome));
  },
});

const INVALID_UNSUBSCRIBE = {
  status: 400,
  title: 'This link is not valid',
  message: 'Change your notification settings in the app instead.',
};

function unsubscribeClaims(services: Services, token: string) {
  const check = services.linkSigner().verify(token, services.clock.now());
  if (!check.ok || check.claims.purpose !== 'unsubscribe') return undefined;
  return check.claims;
}

export const showUnsubscribe = httpRoute({
  name: 'showUnsubscribe',
  method: 'GET',
  route: 'notifications/unsubscribe/{token}',
  summary: 'Confirmation page for turning notification emails off (changes nothing)',
  tags: ['approvals'],
  auth: 'none',
  params: tokenParams,
  errorFormat: 'html',
  produces: 'text/html',
  async handler({ services, params }) {
    if (!unsubscribeClaims(services, params.token)) return outcomePage(INVALID_UNSUBSCRIBE, settingsLinks(services));
    return outcomePage(
      {
        status: 200,
        title: 'Stop notification emails?',
        message:
          'You will no longer get emails about suggestions, reminders or failed runs. You can turn them on again in the settings.',
      },
      settingsLinks(services),
      { action: `/api/notifications/unsubscribe/${params.token}`, label: 'Unsubscribe' },
    );
  },
});

export const confirmUnsubscribe = httpRoute({
  name: 'confirmUnsubscribe',
  method: 'POST',
  route: 'notifications/unsubscribe/{token}',
  summary: 'Turns notification emails off (also the one-click List-Unsubscribe target)',
  tags: ['approvals'],
  auth: 'none',
  params: tokenParams,
  errorFormat: 'html',
  produces: 'text/html',
  async handler({ services, params, correlationId }) {
    const claims = unsubscribeClaims(services, params.token);
    if (!claims) return outcomePage(INVALID_UNSUBSCRIBE, settingsLinks(services));
    const profile = await services.tenants().find(claims.tenantId);
    if (!profile)
      return outcomePage(
        { status: 404, title: 'Account not found', message: 'This account no longer exists.' },
        settingsLinks(services),
      );
    if (profile.notifications.mode !== 'off') {
      await services
        .tenants()
        .update(claims.tenantId, { notifications: { mode: 'off' } }, { correlationId, source: 'email-link' });
    }
    return outcomePage(
      {
        status: 200,
        title: 'Unsubscribed',
        message: 'You will no longer get notification emails. You can turn them on again in the settings.',
      },
      settingsLinks(services),
    );
  },
});
