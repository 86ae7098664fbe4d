import type { Settings } from '../../platform/config';
import { vendorStatus } from '../provider-errors';
import type { SendLedger } from '../send-ledger';
import { replySubject, safeBodyText } from '../text';
import type { MailProvider, MailQuery, MailSummary, MailThread } from '../types';
import { clampLimit } from './google-client';
import {
  createGraphClient,
  followNextLink,
  encodeNextLink,
  recipients,
  toAddress,
  utc,
  type GraphRecipient,
} from './graph-client';

interface GraphMessage {
  id: string;
  conversationId?: string;
  subject?: string;
  from?: GraphRecipient;
  toRecipients?: GraphRecipient[];
  ccRecipients?: GraphRecipient[];
  replyTo?: GraphRecipient[];
  receivedDateTime?: string;
  bodyPreview?: string;
  isRead?: boolean;
  isDraft?: boolean;
  categories?: string[];
  internetMessageId?: string;
  parentFolderId?: string;
  body?: { contentType?: string; content?: string };
  /** Opens the message in Outlook on the web. */
  webLink?: string;
}

const SELECT =
  'id,conversationId,subject,from,replyTo,toRecipients,ccRecipients,receivedDateTime,bodyPreview,isRead,isDraft,categories,internetMessageId,parentFolderId';
const odataString = (v: string) => `'${v.replace(/'/g, "''")}'`;

function summarise(m: GraphMessage): MailSummary {
  return {
    id: m.id,
    threadId: m.conversationId ?? m.id,
    subject: m.subject ?? '',
    from: toAddress(m.from),
    to: (m.toRecipients ?? []).map(toAddress),
    cc: (m.ccRecipients ?? []).map(toAddress),
    ...(m.replyTo?.length ? { replyTo: m.replyTo.map(toAddress) } : {}),
    date: utc(m.receivedDateTime),
    snippet: (m.bodyPreview ?? '').slice(0, 300),
    unread: m.isRead === false,
    labels: m.categories ?? [],
    ...(m.internetMessageId ? { internetMessageId: m.internetMessageId } : {}),
  };
}

/** Outlook mail through Microsoft Graph behind the mail interface. Labels are Outlook categories. */
export async function createOutlookMailProvider(
  settings: Settings,
  fetchImpl: typeof fetch,
  ledger: SendLedger,
): Promise<MailProvider> {
  const client = await createGraphClient(settings, fetchImpl);

  async function page(query: MailQuery): Promise<{ value: GraphMessage[]; next: string | null }> {
    if (query.cursor) {
      const res = await followNextLink(query.cursor, settings, fetchImpl);
      return { value: (res.value ?? []) as GraphMessage[], next: encodeNextLink(res['@odata.nextLink'], settings) };
    }
    const filters: string[] = [];
    if (query.since) filters.push(`receivedDateTime ge ${new Date(query.since).toISOString()}`);
    if (query.unreadOnly) filters.push('isRead eq false');
    if (query.label) filters.push(`categories/any(c:c eq ${odataString(query.label)})`);
    let request = client
      .api(query.label ? '/me/messages' : '/me/mailFolders/inbox/messages')
      .select(SELECT)
      .top(clampLimit(query.limit));
    if (query.text) {
      // Graph does not combine $search with $orderby; results come by relevance.
      request = request.search(`"${query.text.replace(/"/g, '')}"`);
    } else {
      request = request.orderby('receivedDateTime desc');
    }
    if (filters.length) request = request.filter(filters.join(' and '));
    const res = await request.get();
    return { value: res.value ?? [], next: encodeNextLink(res['@odata.nextLink'], settings) };
  }

  async function getThread(threadId: string): Promise<MailThread> {
    const res = await client
      .api('/me/messages')
      .select(SELECT)
      .filter(`conversationId eq ${odataString(threadId)}`)
      .top(100)
      .get();
    const messages = ((res.value ?? []) as GraphMessage[])
      .filter((m) => !m.isDraft)
      .map(summarise)
      .sort((a, b) => a.date.localeCompare(b.date));
    return { id: threadId, subject: messages[0]?.subject ?? '', messages };
  }

  async function draftReply(input: { messageId: string; to: string[]; cc?: string[]; subject: string; body: string }) {
    const draft = (await client
      .api(`/me/messages/${encodeURIComponent(input.messageId)}/createReply`)
      .post({})) as GraphMessage;
    await client.api(`/me/messages/${encodeURIComponent(draft.id)}`).patch({
      subject: replySubject(input.subject),
      body: { contentType: 'text', content: input.body },
      toRecipients: recipients(input.to),
      ccRecipients: recipients(input.cc),
    });
    return draft;
  }

  const setCategories = async (messageIds: string[], change: (current: string[]) => string[]) => {
    for (const id of messageIds) {
      const m = (await client
        .api(`/me/messages/${encodeURIComponent(id)}`)
        .select('id,categories')
        .get()) as GraphMessage;
      await client.api(`/me/messages/${encodeURIComponent(id)}`).patch({ categories: change(m.categories ?? []) });
    }
  };

  const move = async (messageIds: string[], destinationId: string) => {
    for (const id of messageIds)
      await client.api(`/me/messages/${encodeURIComponent(id)}/move`).post({ destinationId });
  };

  return {
    async listMessages(query) {
      const { value, next } = await page(query);
      return { items: value.filter((m) => !m.isDraft).map(summarise), nextCursor: next };
    },

    async listThreads(query) {
      const { value, next } = await page(query);
      const ids = [...new Set(value.filter((m) => !m.isDraft).map((m) => m.conversationId ?? m.id))];
      const threads = await Promise.all(ids.map(getThread));
      return { items: threads.filter((t) => t.messages.length > 0), nextCursor: next };
    },

    getThread,

    async getMessage(messageId) {
      const m = (await client
        .api(`/me/messages/${encodeURIComponent(messageId)}`)
        .select(`${SELECT},body,webLink`)
        .get()) as GraphMessage;
      const isHtml = m.body?.contentType?.toLowerCase() === 'html';
      const body = await safeBodyText(isHtml ? { html: m.body?.content } : { text: m.body?.content });
      return {
        ...summarise(m),
        text: body.text,
        truncated: body.truncated,
        references: [],
        ...(m.webLink ? { webLink: m.webLink } : {}),
      };
    },

    async createDraftReply(input) {
      const draft = await draftReply(input);
      return { draftId: draft.id, messageId: draft.id, threadId: draft.conversationId ?? input.threadId };
    },

    async deleteDraft(draftId) {
      try {
        await client.api(`/me/messages/${encodeURIComponent(draftId)}`).delete();
      } catch (err) {
        if (vendorStatus(err) !== 404) throw err;
      }
    },

    async sendReply(input) {
      const entry = await ledger.get(input.idempotencyKey);
      if (entry?.state === 'sent' && entry.result) return { ...entry.result, alreadySent: true };
      let draftId = entry?.draftId;
      if (draftId) {
        // A send was started before: if its draft is gone or no longer a draft, it went out.
        const existing = (await client
          .api(`/me/messages/${encodeURIComponent(draftId)}`)
          .select(SELECT)
          .get()
          .catch((err: unknown) => {
            if (vendorStatus(err) === 404) return undefined;
            throw err;
          })) as GraphMessage | undefined;
        if (!existing || existing.isDraft === false) {
          const result = {
            id: existing?.id ?? draftId,
            threadId: existing?.conversationId ?? input.threadId,
            internetMessageId: existing?.internetMessageId ?? '',
          };
          await ledger.put(input.idempotencyKey, { state: 'sent', draftId, result });
          return { ...result, alreadySent: true };
        }
      } else {
        const draft = await draftReply(input);
        draftId = draft.id;
        await ledger.put(input.idempotencyKey, { state: 'sending', draftId });
      }
      await client.api(`/me/messages/${encodeURIComponent(draftId)}/send`).post({});
      const sent = (await client
        .api(`/me/messages/${encodeURIComponent(draftId)}`)
        .select(SELECT)
        .get()
        .catch(() => undefined)) as GraphMessage | undefined;
      const result = {
        id: sent?.id ?? draftId,
        threadId: sent?.conversationId ?? input.threadId,
        internetMessageId: sent?.internetMessageId ?? '',
      };
      await ledger.put(input.idempotencyKey, { state: 'sent', draftId, result });
      return { ...result, alreadySent: false };
    },

    async addLabels(messageIds, labels) {
      const master = ((await client.api('/me/outlook/masterCategories').get()).value ?? []) as {
        displayName: string;
      }[];
      for (const name of labels) {
        if (!master.some((c) => c.displayName.toLowerCase() === name.toLowerCase())) {
          await client.api('/me/outlook/masterCategories').post({ displayName: name, color: 'preset0' });
        }
      }
      await setCategories(messageIds, (current) => [...new Set([...current, ...labels])]);
    },

    async removeLabels(messageIds, labels) {
      const gone = new Set(labels.map((l) => l.toLowerCase()));
      await setCategories(messageIds, (current) => current.filter((c) => !gone.has(c.toLowerCase())));
    },

    archive: (messageIds) => move(messageIds, 'archive'),
    unarchive: (messageIds) => move(messageIds, 'inbox'),
  };
}
