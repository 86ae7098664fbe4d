import type { FamilyNeed } from '../connectors/types';
import type { SuggestionKind } from '../suggestions/kinds';
import { getTemplate } from './templates';

/** The family an approved suggestion of each kind writes to (a task touches no connected account). */
const WRITES: Record<SuggestionKind, FamilyNeed['family'] | undefined> = {
  'email.reply': 'mail',
  'email.draft': 'mail',
  'email.label': 'mail',
  'email.archive': 'mail',
  'calendar.create': 'calendar',
  'doc.create': 'files',
  'notion.page': 'notes',
  task: undefined,
};

/** What one template reads, and where its suggestions write. */
function templateNeeds(templateId: string): FamilyNeed[] {
  const template = getTemplate(templateId);
  const writes = new Set(template.suggestionKinds.map((kind) => WRITES[kind]));
  const needs = new Map<FamilyNeed['family'], boolean>();
  for (const { family } of template.families) needs.set(family, writes.has(family));
  for (const family of writes) if (family) needs.set(family, true);
  return [...needs].map(([family, write]) => ({ family, write }));
}

/** The union of several templates' needs: a family is written when any of them writes it. */
export function combinedNeeds(templateIds: string[]): FamilyNeed[] {
  const needs = new Map<FamilyNeed['family'], boolean>();
  for (const templateId of templateIds) {
    let ofTemplate: FamilyNeed[] = [];
    try {
      ofTemplate = templateNeeds(templateId);
    } catch {
      // A template that no longer exists asks for nothing.
    }
    for (const { family, write } of ofTemplate) needs.set(family, (needs.get(family) ?? false) || write);
  }
  return [...needs].map(([family, write]) => ({ family, write }));
}
