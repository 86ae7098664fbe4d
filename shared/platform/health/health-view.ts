import { z } from 'zod';

const componentSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  latencyMs: z.number(),
  detail: z.string().optional(),
});

/** The health report as the health endpoint shows it. */
export const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  checkedAt: z.string(),
  components: z.record(z.string(), componentSchema),
});
