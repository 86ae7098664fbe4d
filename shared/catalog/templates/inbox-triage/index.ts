import type { Proposal } from '../../../suggestions/kinds';
import type { BatchTemplate } from '../../types';
import { mailAttributes, messageSource } from '../rules';
import { triageOffline } from './offline';
import { TRIAGE_INSTRUCTIONS, TRIAGE_PROMPT_VERSION } from './prompt';
import { triageConfig, triageOutput, type TriageConfig, type TriageOutput } from './schema';
import { plural } from '../../../platform/words';

const LABELS: Record<string, string> = {
  urgent: 'Urgent',
  needs_reply: 'Needs reply',
  fyi: 'FYI',
  newsletter: 'Newsletter',
};

export const inboxTriage: BatchTemplate<TriageConfig, TriageOutput> = {
  id: 'inbox-triage',
  name: 'Inbox Triage',
  description: 'Classifies and prioritises new mail and proposes labels (and, if you want, archiving newsletters).',
  families: [{ family: 'mail', required: true }],
  scopes: {
    google: ['https://www.googleapis.com/auth/gmail.modify'],
    microsoft: ['Mail.ReadWrite'],
  },
  configSchema: triageConfig,
  suggestionKinds: ['email.label', 'email.archive'],
  defaultModelClass: 'small',
  promptVersion: TRIAGE_PROMPT_VERSION,
  needs: (config) => ({ mail: { lookbackHours: config.lookbackHours, max: config.maxMessages } }),
  generation: 'batch',
  task: {
    id: 'inbox-triage',
    promptVersion: TRIAGE_PROMPT_VERSION,
    modelClass: 'small',
    instructions: TRIAGE_INSTRUCTIONS,
    output: triageOutput,
    sections: (input) =>
      input.mail.map((m) => ({ kind: 'mail', id: m.id, attributes: mailAttributes(m), text: m.snippet.slice(0, 240) })),
    offline: triageOffline,
  },
  merge: (outputs) => ({ items: outputs.flatMap((o) => o.items) }),
  propose(output, { input, connectors }) {
    const connectorId = connectors.mail;
    if (!connectorId) return [];
    const config = input.config as TriageConfig;
    const known = new Map(input.mail.map((m) => [m.id, m]));
    const sure = output.items.filter((i) => known.has(i.messageId) && i.confidence >= 0.5);
    const proposals: Proposal[] = [];
    if (config.proposeLabels) {
      for (const [category, label] of Object.entries(LABELS)) {
        const ids = sure.filter((i) => i.category === category).map((i) => i.messageId);
        if (ids.length === 0) continue;
        proposals.push({
          kind: 'email.label',
          payload: { connectorId, messageIds: ids.slice(0, 500), labels: [`${config.labelPrefix}/${label}`] },
          rationale: `${plural(ids.length, 'message looks', 'messages look')} like "${label}".`,
          sources: ids.slice(0, 50).map((id) => messageSource(known.get(id)!, connectorId)),
          confidence: Math.min(...sure.filter((i) => i.category === category).map((i) => i.confidence)),
        });
      }
    }
    if (config.archiveNewsletters) {
      const ids = sure.filter((i) => i.category === 'newsletter').map((i) => i.messageId);
      if (ids.length > 0) {
        proposals.push({
          kind: 'email.archive',
          payload: { connectorId, messageIds: ids.slice(0, 500) },
          rationale: `${plural(ids.length, 'newsletter or promotion', 'newsletters or promotions')} can leave the inbox.`,
          sources: ids.slice(0, 50).map((id) => messageSource(known.get(id)!, connectorId)),
        });
      }
    }
    return proposals;
  },
  summarize(output) {
    const count = (c: string) => output.items.filter((i) => i.category === c).length;
    return `${plural(output.items.length, 'message', 'messages')}: ${count('urgent')} urgent, ${count('needs_reply')} need a reply, ${plural(count('newsletter'), 'newsletter', 'newsletters')}.`;
  },
};
