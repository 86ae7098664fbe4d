import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import type { ApprovalLinks } from '../suggestions/approval-links';
import type { LinkSigner } from '../suggestions/link-signer';
import type { SuggestionDoc } from '../suggestions/model';
import { blockedReason } from '../suggestions/risk';
import type { SuggestionService } from '../suggestions/suggestion-service';
import type { SystemMarkers } from '../suggestions/system-markers';
import type { EmailTransport } from './email-transport';
import {
  connectorReauthEmail,
  digestEmail,
  newSuggestionsEmail,
  reminderEmail,
  runFailedEmail,
  webhookDisabledEmail,
  type EmailSuggestion,
  type FailedRun,
  type RenderedEmail,
} from './templates';

/** What the notifier needs to know about the person. */
export interface Recipient {
  email: string;
  displayName: string;
  timezone: string;
  notifications: { mode: 'immediate' | 'digest' | 'off'; digestHour: number; approvalLinks: boolean };
  /** Generation of approval links (see TenantProfile.linkEpoch). */
  linkEpoch?: number;
}

export interface NotifierDeps {
  clock: Clock;
  store: CosmosStore;
  markers: SystemMarkers;
  transport: () => EmailTransport;
  suggestions: () => SuggestionService;
  links: () => ApprovalLinks;
  signer: () => LinkSigner;
  recipient: (tenantId: string) => Promise<Recipient | undefined>;
  /**
   * Takes one approval email from the tenant's daily allowance before it is sent (however many links it carries);
   * false when the allowance is used up.
   */
  takeApprovalEmail: (tenantId: string) => Promise<boolean>;
  /** Gives back an approval email that was taken but never sent. */
  returnApprovalEmail: (tenantId: string) => Promise<void>;
  publicBaseUrl: string;
  webBaseUrl: string;
}

/** Notification emails: new suggestions (immediately or in a daily digest), reminders, reconnect requests, failed runs. */
export interface Notifier {
  /** New suggestions of a run; one email per run however many events arrive. */
  suggestionsCreated(tenantId: string, runId: string): Promise<'sent' | 'queued' | 'skipped'>;
  reminder(tenantId: string, suggestionId: string): Promise<boolean>;
  connectorNeedsReauth(tenantId: string, connector: { provider: string; account?: string }): Promise<boolean>;
  /** A run that failed or stopped: named after its agent or workflow, with the cause and one thing to do. */
  runFailed(tenantId: string, run: FailedRun): Promise<boolean>;
  /** A webhook was turned off after its deliveries kept failing. */
  webhookDisabled(tenantId: string, webhook: { url: string; reason: string }): Promise<boolean>;
  /** Sends the digests whose time has come. Returns how many went out. */
  sendDueDigests(): Promise<number>;
}

const DIGEST_KIND = 'digest';
const UNSUBSCRIBE_TTL_SECONDS = 90 * 86_400;

function zonedParts(at: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    y: Number(parts.year),
    m: Number(parts.month),
    d: Number(parts.day),
    h: Number(parts.hour),
    min: Number(parts.minute),
  };
}

/** The next instant after `now` at which it is `hour`:00 in `timeZone`. */
export function nextLocalHour(now: Date, hour: number, timeZone: string): Date {
  let zone = timeZone;
  try {
    zonedParts(now, zone);
  } catch {
    zone = 'UTC';
  }
  const today = zonedParts(now, zone);
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const guess = Date.UTC(today.y, today.m - 1, today.d + dayOffset, hour, 0);
    // Correct the guess by the zone's offset at that moment (twice, for DST edges).
    let instant = guess;
    for (let i = 0; i < 2; i++) {
      const p = zonedParts(new Date(instant), zone);
      const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min);
      instant += guess - asUtc;
    }
    if (instant > now.getTime()) return new Date(instant);
  }
  return new Date(now.getTime() + 86_400_000);
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const web = deps.webBaseUrl.replace(/\/$/, '');
  const inboxUrl = `${web}/suggestions`;

  function frame(tenantId: string, r: Recipient) {
    const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + UNSUBSCRIBE_TTL_SECONDS;
    const token = deps.signer().sign({ purpose: 'unsubscribe', tenantId, expiresAt });
    return {
      displayName: r.displayName,
      timezone: r.timezone,
      unsubscribeUrl: `${deps.publicBaseUrl.replace(/\/$/, '')}/api/notifications/unsubscribe/${token}`,
      settingsUrl: `${web}/settings`,
    };
  }

  async function send(r: Recipient, f: ReturnType<typeof frame>, email: RenderedEmail) {
    await deps.transport().send({
      to: r.email,
      ...email,
      headers: { 'List-Unsubscribe': `<${f.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  }

  function items(r: Recipient, docs: SuggestionDoc[], withLinks: boolean): EmailSuggestion[] {
    return docs.map((doc) => {
      const blocked = blockedReason(doc.riskFlags);
      return {
        action: doc.preview.action,
        rationale: doc.rationale,
        fields: doc.preview.fields,
        ...(doc.preview.body ? { body: doc.preview.body } : {}),
        riskMessages: doc.riskFlags.map((f) => f.message),
        expiresAt: doc.expiresAt,
        openUrl: `${inboxUrl}/${encodeURIComponent(doc.id)}`,
        // No one-click approval for a proposal with a blocking flag: the person opens it in the app.
        ...(blocked ? { blockedReason: blocked } : {}),
        ...(withLinks && !blocked
          ? {
              approveUrl: deps.links().linkFor(doc, 'approve', r.linkEpoch ?? 0),
              rejectUrl: deps.links().linkFor(doc, 'reject', r.linkEpoch ?? 0),
            }
          : {}),
      };
    });
  }

  /**
   * Sends an email about suggestions. One with approval links counts once against the daily allowance, taken before
   * sending (so simultaneous emails never pass it) and given back when the send fails; without allowance left, the
   * email goes out with "Open in the app" links only.
   */
  async function sendAboutSuggestions(
    tenantId: string,
    r: Recipient,
    docs: SuggestionDoc[],
    render: (f: ReturnType<typeof frame>, items: EmailSuggestion[]) => RenderedEmail,
  ) {
    const f = frame(tenantId, r);
    const wantsLinks = r.notifications.approvalLinks && docs.some((doc) => !blockedReason(doc.riskFlags));
    const counted = wantsLinks && (await deps.takeApprovalEmail(tenantId));
    try {
      await send(r, f, render(f, items(r, docs, counted)));
    } catch (err) {
      if (counted) await deps.returnApprovalEmail(tenantId);
      throw err;
    }
  }

  async function pending(tenantId: string, runId?: string): Promise<SuggestionDoc[]> {
    const page = await deps.suggestions().list(tenantId, { status: 'pending', ...(runId ? { runId } : {}), limit: 50 });
    const now = deps.clock.now().getTime();
    return page.items.filter((d) => Date.parse(d.expiresAt) > now);
  }

  async function queueDigest(tenantId: string, r: Recipient) {
    const dueAt = nextLocalHour(deps.clock.now(), r.notifications.digestHour, r.timezone).toISOString();
    const container = await deps.store.container('system');
    try {
      await container.items.create({
        id: `${DIGEST_KIND}:${tenantId}`,
        pk: DIGEST_KIND,
        tenantId,
        dueAt,
        ttl: 3 * 86_400,
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err; // already queued for the next digest
    }
  }

  return {
    async suggestionsCreated(tenantId, runId) {
      const r = await deps.recipient(tenantId);
      if (!r || !r.email || r.notifications.mode === 'off') return 'skipped';
      if (r.notifications.mode === 'digest') {
        await queueDigest(tenantId, r);
        return 'queued';
      }
      if (!(await deps.markers.claim('notified-run', `${tenantId}:${runId}`, 7 * 86_400, { tenantId })))
        return 'skipped';
      try {
        const docs = await pending(tenantId, runId);
        if (docs.length === 0) return 'skipped';
        await sendAboutSuggestions(tenantId, r, docs, (f, list) => newSuggestionsEmail(f, list, inboxUrl));
        return 'sent';
      } catch (err) {
        await deps.markers.release('notified-run', `${tenantId}:${runId}`);
        throw err;
      }
    },

    async reminder(tenantId, suggestionId) {
      const r = await deps.recipient(tenantId);
      if (!r || !r.email || r.notifications.mode === 'off') return false;
      const doc = await deps.suggestions().get(tenantId, suggestionId);
      if (doc.status !== 'pending') return false;
      await sendAboutSuggestions(tenantId, r, [doc], (f, [item]) => reminderEmail(f, item!, inboxUrl));
      return true;
    },

    async connectorNeedsReauth(tenantId, connector) {
      const r = await deps.recipient(tenantId);
      if (!r || !r.email || r.notifications.mode === 'off') return false;
      const f = frame(tenantId, r);
      await send(r, f, connectorReauthEmail(f, connector, `${web}/connectors`));
      return true;
    },

    async runFailed(tenantId, run) {
      const r = await deps.recipient(tenantId);
      if (!r || !r.email || r.notifications.mode === 'off') return false;
      const f = frame(tenantId, r);
      const target = `${web}/${run.target.type === 'workflow' ? 'workflows' : 'agents'}/${encodeURIComponent(run.target.id)}`;
      await send(
        r,
        f,
        runFailedEmail(f, run, {
          runUrl: `${web}/runs/${encodeURIComponent(run.runId)}`,
          reconnectUrl: `${web}/connectors`,
          targetUrl: target,
        }),
      );
      return true;
    },

    async webhookDisabled(tenantId, webhook) {
      const r = await deps.recipient(tenantId);
      if (!r || !r.email || r.notifications.mode === 'off') return false;
      const f = frame(tenantId, r);
      await send(r, f, webhookDisabledEmail(f, webhook, `${web}/settings/api-access`));
      return true;
    },

    async sendDueDigests() {
      const container = await deps.store.container('system');
      const { resources } = await container.items
        .query<{ id: string; tenantId: string }>(
          {
            query: 'SELECT c.id, c.tenantId FROM c WHERE c.pk = @pk AND c.dueAt <= @now',
            parameters: [
              { name: '@pk', value: DIGEST_KIND },
              { name: '@now', value: deps.clock.now().toISOString() },
            ],
          },
          { partitionKey: DIGEST_KIND },
        )
        .fetchAll();
      let sent = 0;
      for (const due of resources) {
        // Removing the entry first means a crash skips one digest rather than sending it twice.
        try {
          await container.item(due.id, DIGEST_KIND).delete();
        } catch (err) {
          if ((err as { code?: number }).code === 404) continue; // another instance took it
          throw err;
        }
        const r = await deps.recipient(due.tenantId);
        if (!r || !r.email || r.notifications.mode === 'off') continue;
        const docs = await pending(due.tenantId);
        if (docs.length === 0) continue;
        await sendAboutSuggestions(due.tenantId, r, docs, (f, list) => digestEmail(f, list, inboxUrl));
        sent++;
      }
      return sent;
    },
  };
}
