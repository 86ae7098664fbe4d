export const SUMMARIZER_PROMPT_VERSION = 'document-summarizer@2';

export const SUMMARIZER_INSTRUCTIONS = `Summarise the one <data kind="document"> for the person.
Return one summary: documentId, a summary of at most five sentences, and up to five key points (decisions, numbers,
dates, open questions). Use only what the document says.`;
