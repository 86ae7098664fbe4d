import { z } from 'zod';

export const replyConfig = z
  .object({
    lookbackHours: z.number().int().min(1).max(720).default(48),
    maxMessages: z.number().int().min(1).max(100).default(25),
    tone: z.enum(['friendly', 'formal', 'brief']).default('friendly'),
    signature: z.string().max(500).optional(),
  })
  .strict();
export type ReplyConfig = z.infer<typeof replyConfig>;

export const replyOutput = z.object({
  replies: z.array(
    z.object({
      messageId: z.string(),
      body: z.string().min(1).max(5000),
      confidence: z.number().min(0).max(1),
    }),
  ),
});
export type ReplyOutput = z.infer<typeof replyOutput>;
