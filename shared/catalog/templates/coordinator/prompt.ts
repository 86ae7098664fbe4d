export const COORDINATOR_PROMPT_VERSION = 'coordinator@1';

export const COORDINATOR_INSTRUCTIONS = `Merge the results of several agents that worked in parallel for the person.
Each <data kind="result"> holds one agent's structured result. Write one overall summary (a few sentences) and up to
ten highlights the person should look at first, without repeating the same item twice.`;
