import type { Proposal } from '../../../suggestions/kinds';
import type { PerItemTemplate } from '../../types';
import { summarizerOffline } from './offline';
import { SUMMARIZER_INSTRUCTIONS, SUMMARIZER_PROMPT_VERSION } from './prompt';
import { summarizerConfig, summarizerOutput, type SummarizerConfig, type SummarizerOutput } from './schema';

export const documentSummarizer: PerItemTemplate<SummarizerConfig, SummarizerOutput, 'documents'> = {
  id: 'document-summarizer',
  name: 'Document Summarizer',
  description:
    'Summarises the documents you pick (or your most recently changed ones) and proposes saving the summaries.',
  families: [{ family: 'files', required: true }],
  scopes: {
    google: ['https://www.googleapis.com/auth/drive.readonly', 'https://www.googleapis.com/auth/drive.file'],
    microsoft: ['Files.ReadWrite'],
  },
  configSchema: summarizerConfig,
  suggestionKinds: ['doc.create', 'task'],
  defaultModelClass: 'large',
  promptVersion: SUMMARIZER_PROMPT_VERSION,
  needs: (config) => ({ files: { ids: config.fileIds, text: config.search, max: config.maxDocuments } }),
  generation: 'per-item',
  source: 'documents',
  task: {
    id: 'document-summarizer',
    promptVersion: SUMMARIZER_PROMPT_VERSION,
    modelClass: 'large',
    instructions: SUMMARIZER_INSTRUCTIONS,
    output: summarizerOutput,
    sections: ({ item }) => [
      {
        kind: 'document',
        id: item.id,
        attributes: { name: item.name, modified: item.modifiedAt },
        text: item.text.slice(0, 12_000),
      },
    ],
    offline: summarizerOffline,
  },
  merge: (outputs) => ({ summaries: outputs.flatMap((o) => o.summaries) }),
  propose(output, { input, connectors }) {
    const doc = input.item;
    return output.summaries
      .filter((s) => s.documentId === doc.id)
      .slice(0, 1)
      .map((s): Proposal => {
        const content = [s.summary, '', ...s.keyPoints.map((p) => `- ${p}`)].join('\n');
        const source = {
          type: 'document' as const,
          id: doc.id,
          title: doc.name.slice(0, 500),
          connectorId: connectors.files,
        };
        return connectors.files
          ? {
              kind: 'doc.create',
              payload: { connectorId: connectors.files, title: `Summary of ${doc.name}`.slice(0, 500), content },
              rationale: `Summary of "${doc.name}".`.slice(0, 2000),
              sources: [source],
            }
          : {
              kind: 'task',
              payload: { title: `Summary of ${doc.name}`.slice(0, 500), notes: content.slice(0, 20_000) },
              rationale: `Summary of "${doc.name}".`.slice(0, 2000),
              sources: [source],
            };
      });
  },
  summarize: (output) => `${output.summaries.length} document summary(ies).`,
};
