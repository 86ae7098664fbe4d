import type { Proposal } from './kinds';
import type { RiskFlag } from './model';

const MANY_RECIPIENTS = 10;
const MANY_ITEMS = 50;
const MANY_ATTENDEES = 20;
const LOW_CONFIDENCE = 0.5;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function recipientsOf(proposal: Proposal): string[] {
  switch (proposal.kind) {
    case 'email.reply':
    case 'email.draft':
      return [...proposal.payload.to, ...(proposal.payload.cc ?? [])];
    case 'calendar.create':
      return proposal.payload.attendees ?? [];
    default:
      return [];
  }
}

function textOf(proposal: Proposal): string {
  switch (proposal.kind) {
    case 'email.reply':
    case 'email.draft':
      return proposal.payload.body;
    case 'calendar.create':
      return proposal.payload.description ?? '';
    case 'doc.create':
    case 'notion.page':
      return proposal.payload.content;
    case 'task':
      return proposal.payload.notes ?? '';
    default:
      return '';
  }
}

/**
 * What the person should look at twice before approving. `ownEmail` is the person's address: recipients outside
 * its domain are external. Content drawn from mail or documents is untrusted (it may carry injected instructions).
 */
export function assessRisk(proposal: Proposal, ownEmail: string | undefined): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const untrusted = proposal.sources.filter((s) => s.type !== 'run');
  if (untrusted.length > 0) {
    flags.push({
      code: 'untrusted-content',
      message: `Drawn from ${untrusted.length} item${untrusted.length === 1 ? '' : 's'} of mail or documents written by others; check the wording.`,
    });
  }
  const recipients = recipientsOf(proposal);
  const ownDomain = ownEmail?.includes('@') ? domainOf(ownEmail) : undefined;
  const external = ownDomain ? recipients.filter((r) => domainOf(r) !== ownDomain) : [];
  if (external.length > 0) {
    const shown = external.slice(0, 3).join(', ');
    flags.push({
      code: 'external-recipients',
      message: `Goes outside your domain: ${shown}${external.length > 3 ? ` and ${external.length - 3} more` : ''}.`,
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
  const links = textOf(proposal).match(URL_PATTERN) ?? [];
  if (links.length > 0) {
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
