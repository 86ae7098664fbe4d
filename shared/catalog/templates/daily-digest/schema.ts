import { z } from 'zod';

export const digestConfig = z
  .object({
    lookbackHours: z.number().int().min(1).max(168).default(24),
    maxMessages: z.number().int().min(1).max(500).default(200),
    hoursAhead: z.number().int().min(1).max(72).default(24),
  })
  .strict();
export type DigestConfig = z.infer<typeof digestConfig>;

export const digestOutput = z.object({
  headline: z.string().max(300),
  sections: z.array(z.object({ title: z.string().max(100), bullets: z.array(z.string().max(400)).max(20) })).max(8),
});
export type DigestOutput = z.infer<typeof digestOutput>;
