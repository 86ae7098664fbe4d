import { getEncoding, type Tiktoken } from 'js-tiktoken';
import type { FakeOpenAi, FakeReply } from './fake-openai';

/** Valid answers per task (the request's json_schema name is the task id). */
const ANSWERS: Record<string, string> = {
  'daily-digest': JSON.stringify({ headline: 'A quiet day', sections: [] }),
  coordinator: JSON.stringify({ summary: 'All quiet.', highlights: [] }),
};

let encoder: Tiktoken | undefined;

/** Prompt tokens of a request as a provider would report them (the messages' content, o200k). */
function promptTokens(body: FakeOpenAi['requests'][number]): number {
  encoder ??= getEncoding('o200k_base');
  return body.messages.reduce((n, m) => n + encoder!.encode(m.content).length, 0);
}

/** Answers every task with a valid object, reporting the prompt's real size and `completion` output tokens. */
export const answerTasks =
  (completion = 40) =>
  (body: FakeOpenAi['requests'][number]): FakeReply => {
    const task = (body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name ?? '';
    return { content: ANSWERS[task] ?? '{}', usage: { prompt: promptTokens(body), completion } };
  };
