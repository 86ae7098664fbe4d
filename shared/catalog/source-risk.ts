import type { Proposal, RiskFlag } from '../suggestions/kinds';
import { linksIn } from '../platform/links';
import { outboundText, recipientsOf } from '../suggestions/proposal-text';
import type { AgentInput } from './types';

/** Text aimed at an AI assistant rather than at the person: the marks of an injection attempt. */
const INSTRUCTIONS = [
  /\b(?:ignore|disregard|forget)\b[^.\n]{0,30}\b(?:previous|prior|above|earlier|all)\b[^.\n]{0,20}\b(?:instructions?|rules|prompts?)\b/i,
  /\b(?:note|message|instructions?|attention)\s+(?:to|for)\s+(?:the\s+|any\s+)?(?:ai|assistant|agent|model|bot|llm)\b/i,
  /\b(?:dear|hey|hi)\s+(?:ai|assistant|agent|bot)\b/i,
  /\b(?:ai|assistant|agent|model|bot|llm)s?\b[^.\n]{0,40}\b(?:must|should|shall|are instructed to|need to)\b/i,
  /\bsystem prompt\b|\bnew instructions\b|\byou are now\b/i,
];
const OUTBOUND: Proposal['kind'][] = ['email.reply', 'email.draft', 'calendar.create', 'doc.create', 'notion.page'];
/** Runs of this many words shared with another item (and absent from the source) mean copied content. */
const SHINGLE = 6;

interface Item {
  id: string;
  text: string;
}

/** Every item the step read, as one text each (what could have been copied into an outbound text). */
function itemsOf(input: AgentInput): Item[] {
  const address = (a: { name?: string; email: string }) => `${a.name ?? ''} <${a.email}>`;
  return [
    ...input.mail.map((m) => ({
      id: m.id,
      text: [address(m.from), m.subject, m.snippet, m.text ?? ''].join('\n'),
    })),
    ...input.threads.map((t) => ({
      id: t.id,
      text: [t.subject, ...t.messages.map((m) => `${address(m.from)}\n${m.subject}\n${m.snippet}`)].join('\n'),
    })),
    ...input.events.map((e) => ({ id: e.id, text: JSON.stringify(e) })),
    ...input.documents.map((d) => ({ id: d.id, text: `${d.name}\n${d.text}` })),
  ];
}

type Address = { email: string };

/** Every address in the headers of each item the step read (who a proposal drawn from it may address). */
function headerAddressesOf(input: AgentInput): Map<string, Set<string>> {
  const of = (list: (Address | undefined)[]) => list.flatMap((a) => (a?.email ? [a.email.toLowerCase()] : []));
  const ofMessage = (m: { from: Address; to: Address[]; cc: Address[]; replyTo?: Address[] }) =>
    of([m.from, ...m.to, ...m.cc, ...(m.replyTo ?? [])]);
  return new Map<string, Set<string>>([
    ...input.mail.map((m) => [m.id, new Set(ofMessage(m))] as const),
    ...input.threads.map((t) => [t.id, new Set(t.messages.flatMap(ofMessage))] as const),
    ...input.events.map((e) => [e.id, new Set(of(e.attendees))] as const),
  ]);
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

function shingles(text: string): Set<string> {
  const w = words(text);
  const out = new Set<string>();
  for (let i = 0; i + SHINGLE <= w.length; i++) out.add(w.slice(i, i + SHINGLE).join(' '));
  return out;
}

/** Numbers and long tokens: codes, amounts, references, the things an attacker wants copied. */
const distinctive = (text: string) => new Set(words(text).filter((w) => /\d{4,}/.test(w) || w.length >= 14));

/** Whether outbound text holds content of `other` that its own source does not have. */
function copiesFrom(outbound: string, source: string, other: string): boolean {
  const own = shingles(source);
  const theirs = shingles(other);
  for (const s of shingles(outbound)) if (theirs.has(s) && !own.has(s)) return true;
  const ownTokens = distinctive(source);
  const theirTokens = distinctive(other);
  for (const t of distinctive(outbound)) if (theirTokens.has(t) && !ownTokens.has(t)) return true;
  return false;
}

/**
 * Checks each proposal against what the step read, assuming the model may have been fooled: recipients or attendees
 * absent from the headers of what it answers, links the source does not contain, content of another item than the
 * one answered, and instruction-like text in the source become blocking flags. Done in code after the model, so nothing the model writes can turn them off.
 */
export function checkAgainstSources(proposals: Proposal[], input: AgentInput): Proposal[] {
  const items = itemsOf(input);
  const headers = headerAddressesOf(input);
  const settings = JSON.stringify(input.config ?? {});
  return proposals.map((proposal) => {
    const sourceIds = new Set(proposal.sources.map((s) => s.id));
    const source = items.filter((i) => sourceIds.has(i.id));
    const sourceText = source.map((i) => i.text).join('\n');
    const flags: RiskFlag[] = [];
    if (INSTRUCTIONS.some((pattern) => pattern.test(sourceText))) {
      flags.push({
        code: 'instructions-in-source',
        message: 'What it answers contains text written to steer an AI assistant; check that the proposal is yours.',
        blocking: true,
      });
    }
    const known = new Set(proposal.sources.flatMap((source) => [...(headers.get(source.id) ?? [])]));
    const strangers = recipientsOf(proposal.kind, proposal.payload).filter((r) => !known.has(r.toLowerCase()));
    if (strangers.length > 0) {
      flags.push({
        code: 'recipient-not-in-source',
        message: `Addressed to ${strangers.slice(0, 3).join(', ')}, who ${strangers.length === 1 ? 'is' : 'are'} not in the headers of what it answers.`,
        blocking: true,
      });
    }
    if (OUTBOUND.includes(proposal.kind)) {
      const outbound = outboundText(proposal);
      const known = `${sourceText}\n${settings}`;
      const foreignLinks = linksIn(outbound).filter((link) => !known.includes(link));
      if (foreignLinks.length > 0) {
        flags.push({
          code: 'link-not-in-source',
          message: `Contains a link that is not in what it answers: ${foreignLinks[0]!.slice(0, 120)}.`,
          blocking: true,
        });
      }
      const copied = items.filter((i) => !sourceIds.has(i.id) && copiesFrom(outbound, sourceText, i.text));
      if (copied.length > 0) {
        flags.push({
          code: 'content-from-other-source',
          message: `Contains text from ${copied.length === 1 ? 'another message or document' : `${copied.length} other messages or documents`} than the one it answers.`,
          blocking: true,
        });
      }
    }
    return flags.length > 0 ? { ...proposal, riskFlags: [...(proposal.riskFlags ?? []), ...flags] } : proposal;
  });
}
