import { z } from 'zod';

export const meetingPrepConfig = z
  .object({
    hoursAhead: z.number().int().min(1).max(168).default(24),
    maxEvents: z.number().int().min(1).max(50).default(10),
    mailLookbackHours: z.number().int().min(1).max(720).default(168),
    maxMessages: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type MeetingPrepConfig = z.infer<typeof meetingPrepConfig>;

export const meetingPrepOutput = z.object({
  briefs: z.array(
    z.object({
      eventId: z.string(),
      summary: z.string().max(2000),
      relatedMessageIds: z.array(z.string()).max(20),
      relatedDocumentIds: z.array(z.string()).max(20),
      talkingPoints: z.array(z.string().max(300)).max(10),
    }),
  ),
});
export type MeetingPrepOutput = z.infer<typeof meetingPrepOutput>;
