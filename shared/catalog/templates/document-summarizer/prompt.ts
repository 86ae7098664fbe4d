export const SUMMARIZER_PROMPT_VERSION = 'document-summarizer@1';

export const SUMMARIZER_INSTRUCTIONS = `Summarise each <data kind="document"> for the person.
For each document: documentId, a summary of at most five sentences, and up to five key points (decisions, numbers,
dates, open questions). Use only what the document says.`;
