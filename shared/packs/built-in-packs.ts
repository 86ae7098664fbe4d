import type { ProviderName } from '../connectors/types';
import { getTemplate } from '../catalog/templates';
import { NotFoundError } from '../platform/errors';
import type { PackSchedule } from './pack-schedule';
import type { WorkflowMode } from './workflow-model';

/** A pack's agent, by a key that is stable across installs (it makes install ids deterministic). */
export interface PackAgent {
  key: string;
  templateId: string;
  name: string;
  config: Record<string, unknown>;
}

export interface PackWorkflow {
  key: string;
  name: string;
  mode: WorkflowMode;
  stepKeys: string[];
  coordinatorKey?: string;
  /** A schedule trigger, in the person's time zone and working hours (taken from their profile at install time). */
  schedule?: PackSchedule;
}

/** AgentPack: templates + workflows + triggers; the scopes are the union of its templates' scopes. */
export interface AgentPack {
  id: string;
  name: string;
  description: string;
  agents: PackAgent[];
  workflows: PackWorkflow[];
}

export const PACKS: readonly AgentPack[] = [
  {
    id: 'inbox-assistant',
    name: 'Inbox Assistant',
    description: 'Triages new mail every working hour, then drafts replies for what needs an answer.',
    agents: [
      { key: 'triage', templateId: 'inbox-triage', name: 'Inbox Triage', config: {} },
      { key: 'replies', templateId: 'reply-drafter', name: 'Reply Drafter', config: {} },
    ],
    workflows: [
      {
        key: 'main',
        name: 'Inbox Assistant',
        mode: 'sequential',
        stepKeys: ['triage', 'replies'],
        schedule: { follows: 'workingHours' },
      },
    ],
  },
  {
    id: 'meeting-ready',
    name: 'Meeting Ready',
    description: "Before each working day, prepares a brief for every meeting on the day's calendar.",
    agents: [{ key: 'prep', templateId: 'meeting-prep', name: 'Meeting Prep', config: { hoursAhead: 24 } }],
    workflows: [
      {
        key: 'main',
        name: 'Meeting Ready',
        mode: 'sequential',
        stepKeys: ['prep'],
        schedule: { follows: 'beforeWorkingDay' },
      },
    ],
  },
  {
    id: 'weekly-review',
    name: 'Weekly Review',
    description:
      "At the end of the working week, digests the week's mail and calendar and finds threads awaiting an answer, merged into one review.",
    agents: [
      {
        key: 'digest',
        templateId: 'daily-digest',
        name: 'Weekly Digest',
        config: { lookbackHours: 168, hoursAhead: 72 },
      },
      { key: 'followups', templateId: 'follow-up-tracker', name: 'Follow-up Tracker', config: {} },
      { key: 'coordinator', templateId: 'coordinator', name: 'Weekly Review', config: { title: 'Weekly review' } },
    ],
    workflows: [
      {
        key: 'main',
        name: 'Weekly Review',
        mode: 'parallel',
        stepKeys: ['digest', 'followups'],
        coordinatorKey: 'coordinator',
        schedule: { follows: 'endOfWorkingWeek' },
      },
    ],
  },
];

export function getPack(id: string): AgentPack {
  const pack = PACKS.find((p) => p.id === id);
  if (!pack) throw new NotFoundError('pack');
  return pack;
}

/** The union of the OAuth scopes a pack's templates need, per provider. */
export function packScopes(pack: AgentPack): Partial<Record<ProviderName, string[]>> {
  const out: Partial<Record<ProviderName, Set<string>>> = {};
  for (const agent of pack.agents) {
    for (const [provider, scopes] of Object.entries(getTemplate(agent.templateId).scopes) as [
      ProviderName,
      string[],
    ][]) {
      const set = (out[provider] ??= new Set());
      scopes.forEach((s) => set.add(s));
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v!].sort()]));
}
