import { z } from 'zod';

export const summarizerConfig = z
  .object({
    /** Documents to summarise; when empty, the most recently changed ones (matching `search`, if set). */
    fileIds: z.array(z.string().min(1).max(200)).max(20).default([]),
    search: z.string().max(200).optional(),
    maxDocuments: z.number().int().min(1).max(20).default(5),
  })
  .strict();
export type SummarizerConfig = z.infer<typeof summarizerConfig>;

export const summarizerOutput = z.object({
  summaries: z.array(
    z.object({
      documentId: z.string(),
      summary: z.string().max(2000),
      keyPoints: z.array(z.string().max(300)).max(8),
    }),
  ),
});
export type SummarizerOutput = z.infer<typeof summarizerOutput>;
