import { z } from 'zod';

export const triageConfig = z
  .object({
    lookbackHours: z.number().int().min(1).max(720).default(24),
    maxMessages: z.number().int().min(1).max(1000).default(100),
    /** Propose labels for the categories below. */
    proposeLabels: z.boolean().default(true),
    /** Propose archiving newsletters and promotions. */
    archiveNewsletters: z.boolean().default(false),
    labelPrefix: z.string().trim().min(1).max(40).default('Triage'),
  })
  .strict();
export type TriageConfig = z.infer<typeof triageConfig>;

const triageCategory = z.enum(['urgent', 'needs_reply', 'fyi', 'newsletter', 'other']);

export const triageOutput = z.object({
  items: z.array(
    z.object({
      messageId: z.string(),
      category: triageCategory,
      /** 1 = highest. */
      priority: z.number().int().min(1).max(5),
      reason: z.string().max(300),
      /** 0..1; below 0.5 means "not sure" and no label is proposed. */
      confidence: z.number().min(0).max(1),
    }),
  ),
});
export type TriageOutput = z.infer<typeof triageOutput>;
