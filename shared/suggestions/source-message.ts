import { z } from 'zod';
import type { ConnectorHub } from '../connectors/types';
import { ConflictError, GoneError, NotFoundError } from '../platform/errors';
import type { SuggestionDoc } from './model';

const address = z.object({ name: z.string().optional(), email: z.string() });

/**
 * The mail a suggestion answers, as read from the account just now: for the person to judge the draft beside it.
 * Display only: it is never stored on the suggestion and never handed to a model from here.
 */
export const sourceMessageView = z.object({
  id: z.string(),
  connectorId: z.string(),
  provider: z.enum(['google', 'microsoft']),
  /** The connected account it was read from. */
  account: z.string(),
  from: address,
  to: z.array(address),
  cc: z.array(address),
  date: z.string(),
  subject: z.string(),
  /** Plain text (HTML converted, quoted history trimmed, length-bounded): to be shown as text, never as markup. */
  text: z.string(),
  /** True when the text was cut or quoted history removed. */
  truncated: z.boolean(),
  /** Opens the message in Gmail or Outlook on the web, when the provider gives a way. */
  webLink: z.string().optional(),
});
export type SourceMessageView = z.infer<typeof sourceMessageView>;

export interface SourceMessageDeps {
  suggestions: () => { get(tenantId: string, id: string): Promise<SuggestionDoc> };
  connectors: () => Pick<ConnectorHub, 'get' | 'mail'>;
}

export interface SourceMessages {
  /**
   * The message a suggestion of the tenant is based on, read live through the connector it came from.
   * NotFoundError for another person's suggestion or one not based on a message; ConflictError when the account is
   * no longer connected or needs reconnecting; GoneError when the message was deleted since.
   */
  forSuggestion(tenantId: string, suggestionId: string): Promise<SourceMessageView>;
}

/** The message a suggestion is about: the one a reply answers, otherwise its first message source. */
function sourceOf(doc: SuggestionDoc): { messageId: string; connectorId: string } | undefined {
  const payloadConnector = typeof doc.payload.connectorId === 'string' ? doc.payload.connectorId : undefined;
  const answered = typeof doc.payload.messageId === 'string' ? doc.payload.messageId : undefined;
  const source = doc.sources.find((s) => s.type === 'message' && (!answered || s.id === answered));
  const messageId = answered ?? source?.id;
  const connectorId = source?.connectorId ?? payloadConnector;
  return messageId && connectorId ? { messageId, connectorId } : undefined;
}

export function createSourceMessages(deps: SourceMessageDeps): SourceMessages {
  return {
    async forSuggestion(tenantId, suggestionId) {
      const doc = await deps.suggestions().get(tenantId, suggestionId);
      const source = sourceOf(doc);
      if (!source) throw new NotFoundError('message this suggestion is based on');
      const hub = deps.connectors();
      const connector = await hub.get(tenantId, source.connectorId).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
        throw new ConflictError(
          'The account this suggestion came from is no longer connected. Connect it again to read the message here.',
          { reason: 'disconnected' },
        );
      });
      if (connector.provider === 'notion') throw new NotFoundError('message this suggestion is based on');
      const mail = await hub.mail(tenantId, source.connectorId);
      const message = await mail.getMessage(source.messageId).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
        throw new GoneError(
          `The message is no longer in ${connector.account}: it was deleted, or moved where the connection cannot see it.`,
        );
      });
      return {
        id: message.id,
        connectorId: connector.id,
        provider: connector.provider,
        account: connector.account,
        from: message.from,
        to: message.to,
        cc: message.cc,
        date: message.date,
        subject: message.subject,
        text: message.text,
        truncated: message.truncated,
        ...(message.webLink ? { webLink: message.webLink } : {}),
      };
    },
  };
}
