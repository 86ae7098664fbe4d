import type { ConnectorHub } from '../connectors/types';
import { SUGGESTION_PAYLOADS, type SuggestionKind, type SuggestionPayload } from './kinds';
import type { SuggestionDoc, SuggestionExecution } from './model';
import { plural } from '../platform/words';

export type ActionResult = NonNullable<SuggestionExecution['result']>;

/** Carries out approved suggestions at the person's providers, and takes them back where possible. */
export interface ActionRunner {
  /** Performs the action at most once per idempotency key (the provider dedupes where it can). */
  execute(doc: SuggestionDoc, idempotencyKey: string): Promise<ActionResult>;
  /** Reverses an executed action. Missing targets are not an error (undo is idempotent). */
  undo(doc: SuggestionDoc): Promise<void>;
}

function payloadOf<K extends SuggestionKind>(doc: SuggestionDoc, kind: K): SuggestionPayload<K> {
  return SUGGESTION_PAYLOADS[kind].parse(doc.payload) as SuggestionPayload<K>;
}

/** The action runner over the tenant's connectors: the only way approved actions reach the outside world. */
export function createConnectorActionRunner(connectors: () => ConnectorHub): ActionRunner {
  return {
    async execute(doc, idempotencyKey) {
      switch (doc.kind) {
        case 'email.reply': {
          const p = payloadOf(doc, 'email.reply');
          const mail = await connectors().mail(doc.tenantId, p.connectorId);
          const sent = await mail.sendReply({ ...p, idempotencyKey });
          return { externalId: sent.id, detail: `Sent as ${sent.internetMessageId}`, alreadyDone: sent.alreadySent };
        }
        case 'email.draft': {
          const p = payloadOf(doc, 'email.draft');
          const mail = await connectors().mail(doc.tenantId, p.connectorId);
          const draft = await mail.createDraftReply(p);
          return { externalId: draft.draftId, detail: 'Draft saved in the thread' };
        }
        case 'email.label': {
          const p = payloadOf(doc, 'email.label');
          await (await connectors().mail(doc.tenantId, p.connectorId)).addLabels(p.messageIds, p.labels);
          return { detail: `Labelled ${plural(p.messageIds.length, 'message', 'messages')}` };
        }
        case 'email.archive': {
          const p = payloadOf(doc, 'email.archive');
          await (await connectors().mail(doc.tenantId, p.connectorId)).archive(p.messageIds);
          return { detail: `Archived ${plural(p.messageIds.length, 'message', 'messages')}` };
        }
        case 'calendar.create': {
          const p = payloadOf(doc, 'calendar.create');
          const calendar = await connectors().calendar(doc.tenantId, p.connectorId);
          const event = await calendar.createEvent({ ...p, idempotencyKey });
          return { externalId: event.id, detail: event.webLink ? `Event created: ${event.webLink}` : 'Event created' };
        }
        case 'doc.create': {
          const p = payloadOf(doc, 'doc.create');
          const file = await (await connectors().files(doc.tenantId, p.connectorId)).createDocument(p);
          return {
            externalId: file.id,
            detail: file.webLink ? `Document created: ${file.webLink}` : 'Document created',
          };
        }
        case 'notion.page': {
          const p = payloadOf(doc, 'notion.page');
          const page = await (await connectors().notes(doc.tenantId, p.connectorId)).createPage(p);
          return { externalId: page.id, detail: page.url ? `Page created: ${page.url}` : 'Page created' };
        }
        case 'task':
          // A task lives in the suggestion itself: approving it records it, no provider is involved.
          return { detail: 'Task recorded' };
      }
    },

    async undo(doc) {
      const externalId = doc.execution?.result?.externalId;
      switch (doc.kind) {
        case 'email.draft': {
          const p = payloadOf(doc, 'email.draft');
          if (externalId) await (await connectors().mail(doc.tenantId, p.connectorId)).deleteDraft(externalId);
          return;
        }
        case 'email.label': {
          const p = payloadOf(doc, 'email.label');
          await (await connectors().mail(doc.tenantId, p.connectorId)).removeLabels(p.messageIds, p.labels);
          return;
        }
        case 'email.archive': {
          const p = payloadOf(doc, 'email.archive');
          await (await connectors().mail(doc.tenantId, p.connectorId)).unarchive(p.messageIds);
          return;
        }
        case 'calendar.create': {
          const p = payloadOf(doc, 'calendar.create');
          if (externalId) await (await connectors().calendar(doc.tenantId, p.connectorId)).deleteEvent(externalId);
          return;
        }
        case 'doc.create': {
          const p = payloadOf(doc, 'doc.create');
          if (externalId) await (await connectors().files(doc.tenantId, p.connectorId)).deleteFile(externalId);
          return;
        }
        case 'notion.page': {
          const p = payloadOf(doc, 'notion.page');
          if (externalId) await (await connectors().notes(doc.tenantId, p.connectorId)).archivePage(externalId);
          return;
        }
        case 'task':
          return;
        case 'email.reply':
          throw new Error('A sent reply cannot be taken back.');
      }
    },
  };
}
