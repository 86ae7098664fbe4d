export const FOLLOW_UP_PROMPT_VERSION = 'follow-up-tracker@1';

export const FOLLOW_UP_INSTRUCTIONS = `Find threads where the person wrote last and is still waiting for an answer.
Each <data kind="thread"> lists its messages oldest first, with sender and date. For each thread where the last message
is from the person and older than the waiting time given above the data, return threadId, waitingDays and a short,
polite nudge (plain text, no subject) asking for an update, with confidence 0..1. Skip threads that need no answer.`;
