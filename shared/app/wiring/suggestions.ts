import { createRollupStore, DEFAULT_TIME_SAVED_MINUTES } from '../../analytics/rollups';
import { createEmailTransport } from '../../communications/email-transport';
import { createNotifier } from '../../communications/notifier';
import { DEFAULT_UNDO_SEND_SECONDS } from '../../identity/tenant-profile';
import { lazy } from '../../platform/lazy';
import { LimitExceededError } from '../../platform/errors';
import { createConnectorActionRunner } from '../../suggestions/actions';
import { createApprovalActivities } from '../../suggestions/approval-activities';
import { createApprovalLinks } from '../../suggestions/approval-links';
import { createLinkSigner, loadLinkKey } from '../../suggestions/link-signer';
import { createSourceMessages } from '../../suggestions/source-message';
import { createSuggestionService } from '../../suggestions/suggestion-service';
import { createSystemMarkers } from '../../suggestions/system-markers';
import type { Services } from '../services-type';

/** Suggestions and approvals, email links and notifications, and the dashboard rollups they feed. */
export function wireSuggestions(
  root: Services,
): Pick<
  Services,
  | 'suggestions'
  | 'sourceMessages'
  | 'approvalActivities'
  | 'approvalLinks'
  | 'linkSigner'
  | 'markers'
  | 'email'
  | 'notifier'
  | 'rollups'
> {
  const { settings, clock } = root;
  const markers = lazy(() => createSystemMarkers(root.cosmos(), () => clock.now()));
  const linkSigner = lazy(() => createLinkSigner(loadLinkKey(settings)));
  const suggestions = lazy(() =>
    createSuggestionService({
      store: root.cosmos(),
      clock,
      audit: root.audit,
      events: root.events,
      actions: lazy(() => createConnectorActionRunner(root.connectors)),
      ownerEmail: async (tenantId) => (await root.tenants().find(tenantId))?.email || undefined,
      expirySeconds: settings.SUGGESTION_EXPIRY_SECONDS,
      undoWindowSeconds: settings.SUGGESTION_UNDO_WINDOW_SECONDS,
      sendHoldSeconds: async (tenantId) =>
        (await root.tenants().find(tenantId))?.undoSendSeconds ?? DEFAULT_UNDO_SEND_SECONDS,
    }),
  );
  const sourceMessages = lazy(() => createSourceMessages({ suggestions, connectors: root.connectors }));
  const approvalActivities = lazy(() =>
    createApprovalActivities({
      suggestions,
      sendReminder: (tenantId, suggestionId) => notifier().reminder(tenantId, suggestionId),
    }),
  );
  const approvalLinks = lazy(() =>
    createApprovalLinks({
      signer: linkSigner(),
      markers: markers(),
      suggestions,
      clock,
      publicBaseUrl: settings.PUBLIC_BASE_URL,
      linkTtlSeconds: settings.APPROVAL_LINK_TTL_SECONDS,
      linkEpoch: async (tenantId) => (await root.tenants().find(tenantId))?.linkEpoch ?? 0,
    }),
  );
  const email = lazy(() => createEmailTransport(settings));
  const notifier = lazy(() =>
    createNotifier({
      clock,
      store: root.cosmos(),
      markers: markers(),
      transport: email,
      suggestions,
      links: approvalLinks,
      signer: linkSigner,
      recipient: (tenantId) => root.tenants().find(tenantId),
      takeApprovalEmail: async (tenantId) => {
        try {
          await root.usage().take(tenantId, 'approvalEmailsPerDay');
          return true;
        } catch (err) {
          if (err instanceof LimitExceededError) return false;
          throw err;
        }
      },
      returnApprovalEmail: (tenantId) => root.usage().giveBack(tenantId, 'approvalEmailsPerDay'),
      publicBaseUrl: settings.PUBLIC_BASE_URL,
      webBaseUrl: settings.WEB_BASE_URL,
    }),
  );
  const rollups = lazy(() =>
    createRollupStore({
      store: root.cosmos(),
      markers: markers(),
      now: () => clock.now(),
      timeSavedMinutes: {
        ...DEFAULT_TIME_SAVED_MINUTES,
        ...(settings.TIME_SAVED_MINUTES ? (JSON.parse(settings.TIME_SAVED_MINUTES) as Record<string, number>) : {}),
      },
    }),
  );
  return {
    suggestions,
    sourceMessages,
    approvalActivities,
    approvalLinks,
    linkSigner,
    markers,
    email,
    notifier,
    rollups,
  };
}
