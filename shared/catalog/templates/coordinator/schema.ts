import { z } from 'zod';

export const coordinatorConfig = z.object({ title: z.string().min(1).max(200).default('Review') }).strict();
export type CoordinatorConfig = z.infer<typeof coordinatorConfig>;

export const coordinatorOutput = z.object({
  summary: z.string().max(3000),
  highlights: z.array(z.string().max(400)).max(15),
});
export type CoordinatorOutput = z.infer<typeof coordinatorOutput>;
