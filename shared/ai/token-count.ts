import type { Worker } from 'node:worker_threads';
import type { ChatMessage } from './types';

/**
 * The tokenizer runs in a worker thread. Building the o200k tables is seconds of synchronous work (2–3 s measured on
 * a busy two-core machine); on the host's own thread it stopped every request, timer and Durable episode of the
 * instance for that long. The worker builds them once, on first use, and counts from then on (a few ms a prompt).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Tiktoken } = require(workerData.lite);
const encoder = new Tiktoken(require(workerData.ranks));
parentPort.on('message', ({ id, texts }) => {
  try {
    parentPort.postMessage({ id, counts: texts.map((text) => encoder.encode(text).length) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
});
`;

type Answer = { id: number; counts: number[] } | { id: number; error: string };
interface Pending {
  resolve(counts: number[]): void;
  reject(err: Error): void;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

/** The worker, started on first use; it keeps the process alive only while a count is in flight. */
async function tokenizer(): Promise<Worker> {
  if (worker) return worker;
  const { Worker } = await import('node:worker_threads');
  if (worker) return worker;
  const started = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { lite: require.resolve('js-tiktoken/lite'), ranks: require.resolve('js-tiktoken/ranks/o200k_base') },
  });
  started.unref();
  started.on('message', (answer: Answer) => {
    const waiting = pending.get(answer.id);
    pending.delete(answer.id);
    if (pending.size === 0) started.unref();
    if ('error' in answer) waiting?.reject(new Error(`token count failed: ${answer.error}`));
    else waiting?.resolve(answer.counts);
  });
  // A failed worker fails what waits on it; the next count starts a new one.
  const fail = (err: Error) => {
    if (worker === started) worker = undefined;
    for (const waiting of pending.values()) waiting.reject(err);
    pending.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`the tokenizer stopped (exit code ${code})`)));
  worker = started;
  return started;
}

async function tokensOf(texts: string[]): Promise<number[]> {
  const counter = await tokenizer();
  const id = nextId++;
  return new Promise<number[]>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    counter.ref();
    counter.postMessage({ id, texts });
  });
}

/**
 * Prompt tokens of a chat request as OpenAI counts them: the messages' tokens plus 3 per message and 3 to prime the
 * answer. Other models' tokenizers differ a little; the limit meters never charge more than was reserved, so a
 * difference shows in the spend counters, never as a meter over its limit.
 */
export async function countPromptTokens(messages: ChatMessage[]): Promise<number> {
  const counts = await tokensOf(messages.map((m) => m.content));
  return counts.reduce((total, count) => total + 3 + count + 1, 3);
}
