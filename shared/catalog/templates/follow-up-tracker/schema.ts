import { z } from 'zod';

export const followUpConfig = z
  .object({
    /** Days without an answer after which a nudge is proposed. */
    waitDays: z.number().int().min(1).max(30).default(3),
    lookbackDays: z.number().int().min(1).max(60).default(14),
    maxThreads: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type FollowUpConfig = z.infer<typeof followUpConfig>;

export const followUpOutput = z.object({
  followUps: z.array(
    z.object({
      threadId: z.string(),
      waitingDays: z.number().min(0),
      nudge: z.string().min(1).max(3000),
      confidence: z.number().min(0).max(1),
    }),
  ),
});
export type FollowUpOutput = z.infer<typeof followUpOutput>;
