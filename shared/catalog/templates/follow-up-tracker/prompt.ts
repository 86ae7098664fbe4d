export const FOLLOW_UP_PROMPT_VERSION = 'follow-up-tracker@2';

export const FOLLOW_UP_INSTRUCTIONS = `The data holds one thread where the person wrote last and is still waiting for an answer.
It lists the thread's messages oldest first, with sender and date. Unless the thread needs no answer, return one
follow-up: threadId, waitingDays and a short, polite nudge (plain text, no subject) asking for an update, with
confidence 0..1.`;
