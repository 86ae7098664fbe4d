import { NotFoundError } from '../../platform/errors';
import type { AgentTemplate } from '../types';
import { coordinator } from './coordinator';
import { dailyDigest } from './daily-digest';
import { documentSummarizer } from './document-summarizer';
import { followUpTracker } from './follow-up-tracker';
import { inboxTriage } from './inbox-triage';
import { meetingPrep } from './meeting-prep';
import { replyDrafter } from './reply-drafter';

/** The built-in templates (code, not data: they ship with their prompts and rules). */
export const TEMPLATES: readonly AgentTemplate[] = [
  inboxTriage,
  replyDrafter,
  meetingPrep,
  dailyDigest,
  documentSummarizer,
  followUpTracker,
  coordinator,
];

const byId = new Map(TEMPLATES.map((t) => [t.id, t]));

export function findTemplate(id: string): AgentTemplate | undefined {
  return byId.get(id);
}

export function getTemplate(id: string): AgentTemplate {
  const template = byId.get(id);
  if (!template) throw new NotFoundError('template');
  return template;
}
