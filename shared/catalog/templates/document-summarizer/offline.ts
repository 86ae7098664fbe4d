import type { AgentDocument, ItemInput } from '../../types';
import { firstSentences } from '../rules';
import type { SummarizerConfig, SummarizerOutput } from './schema';

/** Deterministic summary: the opening sentences and the first sentence of each paragraph or list item. */
export function summarizerOffline(input: ItemInput<SummarizerConfig, AgentDocument>): SummarizerOutput {
  const doc = input.item;
  const paragraphs = doc.text
    .split(/\n\s*\n|\n(?=\s*[-*•]\s)/)
    .map((p) => p.replace(/^\s*[-*•]\s*/, '').trim())
    .filter(Boolean);
  return {
    summaries: [
      {
        documentId: doc.id,
        summary: firstSentences(doc.text, 3, 2000) || `${doc.name} has no readable text.`,
        keyPoints: paragraphs
          .slice(1, 6)
          .map((p) => firstSentences(p, 1, 300))
          .filter(Boolean),
      },
    ],
  };
}
