import type { Proposal } from './kinds';
import type { SuggestionPreview } from './model';

function when(iso: string, timeZone: string): string {
  try {
    return (
      new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso)) +
      ` (${timeZone})`
    );
  } catch {
    return iso;
  }
}

function list(values: string[]): string {
  return values.length > 0 ? values.join(', ') : '(none)';
}

/** Exactly what approving will do, built from the payload that will be executed (edits included). */
export function buildPreview(proposal: Proposal): SuggestionPreview {
  switch (proposal.kind) {
    case 'email.reply':
    case 'email.draft': {
      const p = proposal.payload;
      const verb = proposal.kind === 'email.reply' ? 'Send a reply' : 'Save a draft reply';
      return {
        action: `${verb} to ${p.to.join(', ')}`,
        fields: [
          { label: 'To', value: list(p.to) },
          ...(p.cc && p.cc.length > 0 ? [{ label: 'Cc', value: list(p.cc) }] : []),
          { label: 'Subject', value: p.subject },
          { label: 'In thread', value: p.threadId },
        ],
        body: p.body,
      };
    }
    case 'email.label': {
      const p = proposal.payload;
      return {
        action: `Label ${p.messageIds.length} message${p.messageIds.length === 1 ? '' : 's'} ${p.labels.map((l) => `"${l}"`).join(', ')}`,
        fields: [
          { label: 'Labels', value: list(p.labels) },
          { label: 'Messages', value: String(p.messageIds.length) },
        ],
      };
    }
    case 'email.archive': {
      const p = proposal.payload;
      return {
        action: `Archive ${p.messageIds.length} message${p.messageIds.length === 1 ? '' : 's'}`,
        fields: [{ label: 'Messages', value: String(p.messageIds.length) }],
      };
    }
    case 'calendar.create': {
      const p = proposal.payload;
      return {
        action: `Create the event "${p.title}"`,
        fields: [
          { label: 'Starts', value: when(p.start, p.timeZone) },
          { label: 'Ends', value: when(p.end, p.timeZone) },
          { label: 'Attendees', value: list(p.attendees ?? []) },
          ...(p.location ? [{ label: 'Location', value: p.location }] : []),
        ],
        ...(p.description ? { body: p.description } : {}),
      };
    }
    case 'doc.create': {
      const p = proposal.payload;
      return {
        action: `Create the document "${p.title}"`,
        fields: [{ label: 'Title', value: p.title }],
        body: p.content,
      };
    }
    case 'notion.page': {
      const p = proposal.payload;
      return {
        action: `Create the Notion page "${p.title}"`,
        fields: [{ label: 'Title', value: p.title }],
        body: p.content,
      };
    }
    case 'task': {
      const p = proposal.payload;
      return {
        action: `Add the task "${p.title}"`,
        fields: [{ label: 'Title', value: p.title }, ...(p.due ? [{ label: 'Due', value: p.due }] : [])],
        ...(p.notes ? { body: p.notes } : {}),
      };
    }
  }
}
