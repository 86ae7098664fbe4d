import { linksIn } from '../platform/links';
import type { Proposal, RiskFlag } from './kinds';
import { outboundText, recipientsOf } from './proposal-text';

const MANY_RECIPIENTS = 10;
const MANY_ITEMS = 50;
const MANY_ATTENDEES = 20;
const LOW_CONFIDENCE = 0.5;

/** One-time codes, passwords and payment numbers: never sent out on an approval given without a look. */
const ONE_TIME_CODE =
  /\b(?:code|otp|passcode|pin|tan|verification|security|one[- ]time)\b[^\n]{0,40}?\b\d{4,8}\b|\b\d{3}[- ]?\d{3}\b(?=[^\n]{0,40}\b(?:code|otp|expires|valid)\b)/i;
const PASSWORD = /\b(?:password|passwort|passphrase|pwd)\b\s*(?:is|:|=)\s*\S{4,}/i;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/;
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** What kinds of sensitive data a text holds (empty when none). */
function sensitiveDataIn(text: string): string[] {
  const found: string[] = [];
  if (ONE_TIME_CODE.test(text)) found.push('a one-time code');
  if (PASSWORD.test(text)) found.push('a password');
  if ((text.match(CARD_CANDIDATE) ?? []).some((c) => luhn(c.replace(/\D/g, '')))) found.push('a card number');
  if (IBAN.test(text)) found.push('a bank account number (IBAN)');
  return found;
}

/** True when a flag keeps the suggestion from being approved in bulk or from an email link. */
function blockingFlags(flags: RiskFlag[]): RiskFlag[] {
  return flags.filter((f) => f.blocking);
}

/** Why a suggestion must be opened in the app before approving, in one sentence; undefined when it need not. */
export function blockedReason(flags: RiskFlag[]): string | undefined {
  const blocking = blockingFlags(flags);
  if (blocking.length === 0) return undefined;
  return `Open it in the app to approve: ${blocking.map((f) => f.message.replace(/\.$/, '')).join('; ')}.`;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function textOf(proposal: Proposal): string {
  return proposal.kind === 'task' ? (proposal.payload.notes ?? '') : outboundText(proposal);
}

/**
 * What the person should look at twice before approving: the flags the run found against the proposal's sources
 * (`proposal.riskFlags`), plus what the proposal itself shows. `ownEmail` is the person's address: recipients outside
 * its domain are external.
 */
export function assessRisk(proposal: Proposal, ownEmail: string | undefined): RiskFlag[] {
  const flags: RiskFlag[] = [...(proposal.riskFlags ?? [])];
  const has = (code: string) => flags.some((f) => f.code === code);
  const recipients = recipientsOf(proposal.kind, proposal.payload);
  const ownDomain = ownEmail?.includes('@') ? domainOf(ownEmail) : undefined;
  const external = ownDomain ? recipients.filter((r) => domainOf(r) !== ownDomain) : [];
  if (external.length > 0) {
    const shown = external.slice(0, 3).join(', ');
    flags.push({
      code: 'external-recipients',
      message: `Goes to an outside domain: ${shown}${external.length > 3 ? ` and ${external.length - 3} more` : ''}.`,
    });
  }
  const manyLimit = proposal.kind === 'calendar.create' ? MANY_ATTENDEES : MANY_RECIPIENTS;
  if (recipients.length > manyLimit) {
    flags.push({ code: 'many-recipients', message: `Addressed to ${recipients.length} people.` });
  }
  if (
    (proposal.kind === 'email.label' || proposal.kind === 'email.archive') &&
    proposal.payload.messageIds.length > MANY_ITEMS
  ) {
    flags.push({ code: 'many-items', message: `Changes ${proposal.payload.messageIds.length} messages at once.` });
  }
  const sensitive = sensitiveDataIn(outboundText(proposal));
  if (sensitive.length > 0) {
    flags.push({
      code: 'sensitive-data',
      message: `The text to send holds ${sensitive.join(' and ')}.`,
      blocking: true,
    });
  }
  const links = linksIn(textOf(proposal));
  if (links.length > 0 && !has('link-not-in-source')) {
    flags.push({
      code: 'links-in-body',
      message: `Contains ${links.length} link${links.length === 1 ? '' : 's'}; check where they lead.`,
    });
  }
  if (proposal.confidence !== undefined && proposal.confidence < LOW_CONFIDENCE) {
    flags.push({
      code: 'low-confidence',
      message: `The agent was not sure (confidence ${Math.round(proposal.confidence * 100)}%).`,
    });
  }
  if (proposal.kind === 'calendar.create') {
    const hour = localHour(proposal.payload.start, proposal.payload.timeZone);
    if (hour !== undefined && (hour < 7 || hour >= 21)) {
      flags.push({
        code: 'outside-hours',
        message: `Starts at ${String(hour).padStart(2, '0')}:00 local time, outside usual hours.`,
      });
    }
  }
  return flags;
}

function localHour(iso: string, timeZone: string): number | undefined {
  try {
    const text = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(
      new Date(iso),
    );
    const hour = Number(text);
    return Number.isInteger(hour) ? hour : undefined;
  } catch {
    return undefined;
  }
}
