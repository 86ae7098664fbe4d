import { createHash } from 'node:crypto';
import type { gmail_v1 } from '@googleapis/gmail';
import type { Settings } from '../../platform/config';
import { parseAddress, parseAddressList, replySubject, safeBodyText } from '../text';
import { PositionExpiredError } from '../../platform/errors';
import type {
  MailChangeFeed,
  MailProvider,
  MailQuery,
  MailSummary,
  MailThread,
  ProviderPage,
  ReplyInput,
  SendReplyInput,
} from '../types';
import { mapLimited } from '../../platform/pool';
import { clampLimit, googleClientOptions, settled } from './google-client';
import { vendorStatus } from '../provider-errors';
import type { SendLedger } from '../send-ledger';

type Header = gmail_v1.Schema$MessagePartHeader;
const HEADERS = ['From', 'Reply-To', 'To', 'Cc', 'Subject', 'Date', 'Message-ID', 'References', 'In-Reply-To'];

const header = (headers: Header[] | undefined, name: string) =>
  headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;

const b64 = (data: string) => Buffer.from(data, 'base64url').toString('utf8');

function findPart(part: gmail_v1.Schema$MessagePart | undefined, mime: string): string | undefined {
  if (!part) return undefined;
  if (part.mimeType === mime && part.body?.data && !part.filename) return b64(part.body.data);
  for (const child of part.parts ?? []) {
    const found = findPart(child, mime);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** RFC 2047 encoding for non-ASCII header values. */
const encodeHeader = (value: string) =>
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
const noBreaks = (value: string) => value.replace(/[\r\n]+/g, ' ');

/** The Message-ID a reply with this idempotency key is sent under: the same key always gives the same id. */
export const idempotentMessageId = (key: string) =>
  `<pa-${createHash('sha256').update(key).digest('hex').slice(0, 40)}@personal-agents.mail>`;

/**
 * Gmail's history as the change feed. A position is a history id; Gmail answers 404 for one it no longer keeps, and
 * a mailbox whose current history id is behind the position (restored, or an emulator restarted) does not know it
 * either: both are PositionExpiredError.
 */
function gmailHistory(api: gmail_v1.Gmail): MailChangeFeed {
  return {
    async position() {
      const ref = (await api.users.messages.list({ userId: 'me', maxResults: 1 })).data.messages?.[0];
      if (!ref?.id) return undefined;
      const known = (await api.users.messages.get({ userId: 'me', id: ref.id, format: 'minimal' })).data.historyId;
      if (!known) return undefined;
      // The history listing answers with the mailbox's current history id (any message's own id may be older).
      const head = await api.users.history.list({ userId: 'me', startHistoryId: known, maxResults: 1 });
      return head.data.historyId ?? known;
    },
    async addedSince(position, max) {
      if (!/^\d{1,30}$/.test(position)) throw new PositionExpiredError();
      const ids: string[] = [];
      let pageToken: string | undefined;
      let reached = position;
      do {
        let page: gmail_v1.Schema$ListHistoryResponse;
        try {
          page = (
            await api.users.history.list({
              userId: 'me',
              startHistoryId: position,
              historyTypes: ['messageAdded'],
              maxResults: 500,
              pageToken,
            })
          ).data;
        } catch (err) {
          if (vendorStatus(err) === 404) throw new PositionExpiredError();
          throw err;
        }
        if (page.historyId && BigInt(page.historyId) < BigInt(position)) throw new PositionExpiredError();
        for (const entry of page.history ?? []) {
          const added = (entry.messagesAdded ?? []).map((a) => a.message?.id).filter((id): id is string => !!id);
          // Stop at a whole history record: the position never passes a message that was not read.
          if (ids.length + added.length > max && ids.length > 0) return { messageIds: ids, position: reached };
          for (const id of added) if (!ids.includes(id)) ids.push(id);
          reached = entry.id ?? reached;
        }
        pageToken = page.nextPageToken ?? undefined;
        if (!pageToken) reached = page.historyId ?? reached;
      } while (pageToken);
      return { messageIds: ids, position: reached };
    },
  };
}

/**
 * Where a message opens in Gmail's web app: the "All mail" view of its id, in the browser session of `account` (a
 * person signed in to several Google accounts lands in the right one).
 */
export function gmailWebLink(messageId: string, account?: string): string {
  const who = account ? `?authuser=${encodeURIComponent(account)}` : '';
  return `https://mail.google.com/mail/${who}#all/${encodeURIComponent(messageId)}`;
}

/** Gmail behind the mail interface; `account` is the connected address (for links into Gmail). */
export async function createGmailProvider(
  settings: Settings,
  fetchImpl: typeof fetch,
  ledger: SendLedger,
  account?: string,
): Promise<MailProvider> {
  const { gmail } = await import('@googleapis/gmail');
  const api = gmail({ version: 'v1', ...googleClientOptions(settings, fetchImpl) });
  const me = 'me';
  let labelCache: Promise<gmail_v1.Schema$Label[]> | undefined;
  const labels = () => (labelCache ??= api.users.labels.list({ userId: me }).then((r) => r.data.labels ?? []));
  const labelNames = async (ids: string[] | null | undefined) => {
    const all = await labels();
    return (ids ?? []).map((id) => all.find((l) => l.id === id)?.name ?? id);
  };
  const labelIdsFor = async (names: string[], create: boolean) => {
    const ids: string[] = [];
    for (const name of names) {
      let found = (await labels()).find((l) => l.name?.toLowerCase() === name.toLowerCase() || l.id === name);
      if (!found && create) {
        found = (
          await api.users.labels.create({
            userId: me,
            requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' },
          })
        ).data;
        labelCache = undefined;
      }
      if (found?.id) ids.push(found.id);
    }
    return ids;
  };

  const summarise = async (m: gmail_v1.Schema$Message): Promise<MailSummary> => {
    const h = m.payload?.headers ?? [];
    const internal = Number(m.internalDate);
    const replyTo = parseAddressList(header(h, 'Reply-To'));
    return {
      id: m.id!,
      threadId: m.threadId!,
      subject: header(h, 'Subject') ?? '',
      from: parseAddress(header(h, 'From') ?? ''),
      to: parseAddressList(header(h, 'To')),
      cc: parseAddressList(header(h, 'Cc')),
      ...(replyTo.length > 0 ? { replyTo } : {}),
      date:
        Number.isFinite(internal) && internal > 0
          ? new Date(internal).toISOString()
          : new Date(header(h, 'Date') ?? 0).toISOString(),
      snippet: (m.snippet ?? '').slice(0, 300),
      unread: (m.labelIds ?? []).includes('UNREAD'),
      labels: await labelNames(m.labelIds),
      ...(header(h, 'Message-ID') ? { internetMessageId: header(h, 'Message-ID') } : {}),
    };
  };

  const metadata = (id: string) =>
    api.users.messages.get({ userId: me, id, format: 'metadata', metadataHeaders: HEADERS }).then((r) => r.data);

  const searchQuery = (query: MailQuery) => {
    const parts: string[] = [];
    if (query.text) parts.push(query.text.replace(/[\r\n]/g, ' '));
    if (query.since) parts.push(`after:${Math.floor(Date.parse(query.since) / 1000)}`);
    if (query.unreadOnly) parts.push('is:unread');
    return parts.join(' ') || undefined;
  };
  const labelFilter = async (query: MailQuery) => (query.label ? await labelIdsFor([query.label], false) : ['INBOX']);

  function partial(failures: number, reason: string): Pick<ProviderPage<unknown>, 'partial'> {
    return failures ? { partial: { reason, skipped: failures } } : {};
  }

  const buildRaw = async (input: ReplyInput, messageId?: string) => {
    const original = await metadata(input.messageId);
    const h = original.payload?.headers ?? [];
    const parentId = header(h, 'Message-ID');
    const references = [header(h, 'References'), parentId].filter(Boolean).join(' ');
    const lines = [
      `To: ${noBreaks(input.to.join(', '))}`,
      ...(input.cc?.length ? [`Cc: ${noBreaks(input.cc.join(', '))}`] : []),
      `Subject: ${encodeHeader(noBreaks(replySubject(input.subject)))}`,
      ...(parentId ? [`In-Reply-To: ${parentId}`, `References: ${noBreaks(references)}`] : []),
      ...(messageId ? [`Message-ID: ${messageId}`] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(input.body, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n'),
    ];
    return {
      raw: Buffer.from(lines.join('\r\n'), 'utf8').toString('base64url'),
      threadId: original.threadId ?? input.threadId,
    };
  };

  async function getThread(threadId: string): Promise<MailThread> {
    const thread = (
      await api.users.threads.get({ userId: me, id: threadId, format: 'metadata', metadataHeaders: HEADERS })
    ).data;
    const messages = await Promise.all((thread.messages ?? []).map(summarise));
    messages.sort((a, b) => a.date.localeCompare(b.date));
    return { id: thread.id ?? threadId, subject: messages[0]?.subject ?? '', messages };
  }

  return {
    changes: gmailHistory(api),

    async listMessages(query) {
      const list = await api.users.messages.list({
        userId: me,
        maxResults: clampLimit(query.limit),
        pageToken: query.cursor,
        q: searchQuery(query),
        labelIds: await labelFilter(query),
      });
      const refs = list.data.messages ?? [];
      const results = await mapLimited(refs, 5, (ref) => settled(metadata(ref.id!).then(summarise)));
      const items = results.filter((r): r is MailSummary => !(r instanceof Error));
      return {
        items,
        nextCursor: list.data.nextPageToken ?? null,
        ...partial(results.length - items.length, 'Some messages could not be read.'),
      };
    },

    async listThreads(query) {
      const list = await api.users.threads.list({
        userId: me,
        maxResults: clampLimit(query.limit),
        pageToken: query.cursor,
        q: searchQuery(query),
        labelIds: await labelFilter(query),
      });
      const results = await mapLimited(list.data.threads ?? [], 5, (t) => settled(getThread(t.id!)));
      const items = results.filter((r): r is MailThread => !(r instanceof Error));
      return {
        items,
        nextCursor: list.data.nextPageToken ?? null,
        ...partial(results.length - items.length, 'Some conversations could not be read.'),
      };
    },

    getThread,

    async getMessage(messageId) {
      const m = (await api.users.messages.get({ userId: me, id: messageId, format: 'full' })).data;
      const summary = await summarise(m);
      const body = await safeBodyText({
        text: findPart(m.payload, 'text/plain'),
        html: findPart(m.payload, 'text/html'),
      });
      const references = (header(m.payload?.headers ?? [], 'References') ?? '').split(/\s+/).filter(Boolean);
      return {
        ...summary,
        text: body.text,
        truncated: body.truncated,
        references,
        webLink: gmailWebLink(summary.id, account),
      };
    },

    async createDraftReply(input) {
      const { raw, threadId } = await buildRaw(input);
      const draft = (await api.users.drafts.create({ userId: me, requestBody: { message: { raw, threadId } } })).data;
      return { draftId: draft.id!, messageId: draft.message?.id ?? '', threadId: draft.message?.threadId ?? threadId };
    },

    async deleteDraft(draftId) {
      try {
        await api.users.drafts.delete({ userId: me, id: draftId });
      } catch (err) {
        if (vendorStatus(err) !== 404) throw err;
      }
    },

    async sendReply(input: SendReplyInput) {
      const recorded = await ledger.get(input.idempotencyKey);
      if (recorded?.state === 'sent' && recorded.result) return { ...recorded.result, alreadySent: true };
      // Not recorded: it may still have gone out just before a crash. Gmail finds it by our Message-ID.
      const internetMessageId = idempotentMessageId(input.idempotencyKey);
      const earlier = await api.users.messages.list({
        userId: me,
        q: `rfc822msgid:${internetMessageId}`,
        includeSpamTrash: true,
        maxResults: 1,
      });
      const found = earlier.data.messages?.[0];
      if (found) {
        const result = { id: found.id!, threadId: found.threadId!, internetMessageId };
        await ledger.put(input.idempotencyKey, { state: 'sent', draftId: '', result });
        return { ...result, alreadySent: true };
      }
      const { raw, threadId } = await buildRaw(input, internetMessageId);
      const sent = (await api.users.messages.send({ userId: me, requestBody: { raw, threadId } })).data;
      const result = { id: sent.id!, threadId: sent.threadId ?? threadId, internetMessageId };
      await ledger.put(input.idempotencyKey, { state: 'sent', draftId: '', result });
      return { ...result, alreadySent: false };
    },

    async addLabels(messageIds, names) {
      const ids = await labelIdsFor(names, true);
      await api.users.messages.batchModify({ userId: me, requestBody: { ids: messageIds, addLabelIds: ids } });
    },

    async removeLabels(messageIds, names) {
      const ids = await labelIdsFor(names, false);
      if (ids.length)
        await api.users.messages.batchModify({ userId: me, requestBody: { ids: messageIds, removeLabelIds: ids } });
    },

    async archive(messageIds) {
      await api.users.messages.batchModify({ userId: me, requestBody: { ids: messageIds, removeLabelIds: ['INBOX'] } });
    },

    async unarchive(messageIds) {
      await api.users.messages.batchModify({ userId: me, requestBody: { ids: messageIds, addLabelIds: ['INBOX'] } });
    },
  };
}
