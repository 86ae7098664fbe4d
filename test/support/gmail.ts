import assert from 'node:assert/strict';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import type { MailProvider, MailSummary } from '../../shared/connectors/types';
import type { Proposal } from '../../shared/suggestions/kinds';
import { consent } from './connectors';
import { replyProposal } from './reply-proposal';
import type { Person, TestPlatform } from './platform';

/** A person's Google account, connected to the Gmail emulator's demo mailbox, and what tests do with it. */
export interface ConnectedGmail {
  connectorId: string;
  mail: MailProvider;
  /** The newest messages of the mailbox (up to 10), as listed when it was connected. */
  inbox: MailSummary[];
  /** A reply to `message` as an agent proposes it: to its sender, with the message as its source. */
  reply(message: MailSummary, body: string): Proposal;
  /** How many messages in the Sent folder hold `marker` in their text. */
  sentWith(marker: string): Promise<number>;
}

/** Connects the person's Google account through the real consent flow (the emulator's demo user). */
export async function connectGmail(
  p: TestPlatform,
  person: Pick<Person, 'token' | 'tenantId'>,
): Promise<ConnectedGmail> {
  const { response } = await consent(p.platform, person.token, 'google', GOOGLE_DEMO_USER.email);
  assert.equal(response.status, 302);
  const connectors = await p.json<{ items: { id: string }[] }>('/connectors', { token: person.token });
  const connectorId = connectors.body.items[0]!.id;
  const mail = await p.services.connectors().mail(person.tenantId, connectorId);
  const inbox = (await mail.listMessages({ limit: 10 })).items;
  return {
    connectorId,
    mail,
    inbox,
    reply: (message, body) => replyProposal(message, connectorId, body),
    async sentWith(marker) {
      const found = await mail.listMessages({ label: 'SENT', text: marker, limit: 50 });
      const bodies = await Promise.all(found.items.map((m) => mail.getMessage(m.id)));
      return bodies.filter((m) => m.text.includes(marker)).length;
    },
  };
}
