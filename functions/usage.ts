import { z } from 'zod';
import { tierSchema } from '../shared/platform/config/tiers';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';

const limitUsageSchema = z.object({
  used: z.number().nullable(),
  max: z.number(),
  resetsAt: z.string().nullable(),
});

export const limitsReportSchema = z.object({
  agents: limitUsageSchema,
  workflows: limitUsageSchema,
  connectors: limitUsageSchema,
  runsPerDay: limitUsageSchema,
  tokensPerMonth: limitUsageSchema,
  approvalLinksPerDay: limitUsageSchema,
  scheduleMinIntervalMinutes: limitUsageSchema,
});

const periodSchema = z.object({
  start: z.string(),
  resetsAt: z.string(),
  runs: z.number(),
  promptTokens: z.number(),
  cachedPromptTokens: z.number(),
  completionTokens: z.number(),
  costUsd: z.number(),
  approvalLinks: z.number(),
});

export const usageResponse = z.object({
  tier: tierSchema,
  limits: limitsReportSchema,
  today: periodSchema,
  month: periodSchema,
});

export const getUsage = httpRoute({
  name: 'getUsage',
  method: 'GET',
  route: 'usage',
  summary: "Your usage against your plan's limits, today and this month (UTC periods)",
  tags: ['identity'],
  response: usageResponse,
  async handler({ services, principal }) {
    const { tier, limits, today, month } = await services.usage().report(principal.tenantId);
    return ok({ tier, limits, today, month }, { headers: { 'Cache-Control': 'no-store' } });
  },
});
