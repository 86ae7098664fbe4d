export const DIGEST_PROMPT_VERSION = 'daily-digest@1';

export const DIGEST_INSTRUCTIONS = `Write the person's daily digest of their mail and calendar.
Return a one-line headline and a few sections (for example "Schedule", "Needs attention", "Other mail"), each with short
bullets. Mention times in the person's time zone. Put mail that asks something of the person under "Needs attention".`;
