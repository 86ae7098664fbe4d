export const TRIAGE_PROMPT_VERSION = 'inbox-triage@1';

export const TRIAGE_INSTRUCTIONS = `Classify and prioritise each new mail message in the person's inbox.
For every <data kind="mail"> section return one item with its id as messageId and:
- category: "urgent" (needs action today), "needs_reply" (someone waits for an answer from the person),
  "fyi" (worth reading, no action), "newsletter" (bulk mail, promotions, notifications), or "other";
- priority: 1 (highest) to 5;
- reason: one short sentence;
- confidence: 0..1, below 0.5 when you are not sure.
Judge from sender, subject and text only. Do not invent messages.`;
