import { z } from 'zod';

/** An audit record as the audit API shows it. */
export const auditRecordSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.enum(['person', 'agent', 'system']), id: z.string(), name: z.string().optional() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  outcome: z.enum(['success', 'failure', 'denied']),
  source: z.string(),
  correlationId: z.string().optional(),
  /** The personal access token the action was taken with. */
  token: z.object({ id: z.string(), name: z.string() }).optional(),
  summary: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
