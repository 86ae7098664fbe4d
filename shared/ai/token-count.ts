import type { ChatMessage } from './types';

type Encoder = { encode(text: string): number[] };
let encoder: Promise<Encoder> | undefined;

/** The o200k tokenizer (GPT-4o family), loaded on first use: its tables are large and most starts never need them. */
function load(): Promise<Encoder> {
  encoder ??= (async () => {
    const [{ Tiktoken }, ranks] = await Promise.all([
      import('js-tiktoken/lite'),
      import('js-tiktoken/ranks/o200k_base'),
    ]);
    return new Tiktoken(ranks.default);
  })().catch((err) => {
    encoder = undefined;
    throw err;
  });
  return encoder;
}

/**
 * Prompt tokens of a chat request as OpenAI counts them: the messages' tokens plus 3 per message and 3 to prime the
 * answer. Other models' tokenizers differ a little; the limit meters never charge more than was reserved, so a
 * difference shows in the spend counters, never as a meter over its limit.
 */
export async function countPromptTokens(messages: ChatMessage[]): Promise<number> {
  const enc = await load();
  let total = 3;
  for (const m of messages) total += 3 + enc.encode(m.content).length + 1;
  return total;
}
