import { z } from 'zod';
import { tierSchema } from '../platform/config/tiers';
import { profileSchema } from './tenant-profile';

// Response bodies of the identity API (profile, usage, export, erasure), as the OpenAPI document and the web app see them.

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
  approvalEmailsPerDay: limitUsageSchema,
  scheduleMinIntervalMinutes: limitUsageSchema,
  apiTokens: limitUsageSchema,
  webhooks: limitUsageSchema,
  eventTriggers: limitUsageSchema,
});

const periodSchema = z.object({
  start: z.string(),
  resetsAt: z.string(),
  runs: z.number(),
  promptTokens: z.number(),
  cachedPromptTokens: z.number(),
  completionTokens: z.number(),
  costUsd: z.number(),
  approvalEmails: z.number(),
});

export const usageResponse = z.object({
  tier: tierSchema,
  limits: limitsReportSchema,
  today: periodSchema,
  month: periodSchema,
});

export const meResponse = profileSchema.extend({
  usage: limitsReportSchema,
  /** Feature flags as they apply to this person. */
  features: z.record(z.string(), z.boolean()),
});

export const deletionSchema = z.object({
  deleted: z.literal(true),
  deletionId: z.string().uuid(),
  documents: z.record(z.string(), z.number()),
  blobs: z.number().int(),
  orchestrations: z.number().int(),
});
