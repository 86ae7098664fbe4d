import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to one request. `hold` keeps the request open until `release()` is called. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** The assistant message content (for 200 answers). */
  content?: string;
  usage?: { prompt: number; completion: number; cached?: number };
  model?: string;
  hold?: boolean;
}

export interface FakeOpenAi {
  baseUrl: string;
  /** Bodies of the chat-completion requests received, in order. */
  requests: Array<{
    model: string;
    messages: { role: string; content: string }[];
    response_format?: unknown;
    [k: string]: unknown;
  }>;
  /** Replies to use for the next requests, in order; when empty, `fallback` answers. */
  queue: FakeReply[];
  fallback: (body: FakeOpenAi['requests'][number]) => FakeReply;
  /** Lets held requests answer. */
  release(): void;
  /** Every answer waits this long first (a deliberately slow model); 0 by default. */
  delayMs: number;
  /** Requests received and not answered yet. */
  inFlight: number;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

/** An OpenAI-compatible chat-completions server on loopback, scripted per test. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  let releaseHeld: () => void = () => undefined;
  let held = new Promise<void>((resolve) => (releaseHeld = resolve));
  const fake: FakeOpenAi = {
    baseUrl: '',
    requests: [],
    queue: [],
    fallback: () => ({ status: 500, content: 'no scripted reply' }),
    delayMs: 0,
    inFlight: 0,
    release() {
      releaseHeld();
      held = new Promise<void>((resolve) => (releaseHeld = resolve));
    },
    close: async () => undefined,
  };
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const body = await readJson(req);
    fake.requests.push(body);
    fake.inFlight++;
    res.once('close', () => fake.inFlight--);
    const reply = fake.queue.shift() ?? fake.fallback(body);
    // A request held when it arrives answers at the next release(), even one that comes while it is still delayed.
    const gate = reply.hold ? held : undefined;
    if (fake.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.delayMs));
    if (gate) await gate;
    const status = reply.status ?? 200;
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify({ error: { message: reply.content ?? 'error', type: 'server_error' } }));
      return;
    }
    const usage = reply.usage ?? { prompt: 100, completion: 20 };
    res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${fake.requests.length}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model: reply.model ?? body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content ?? '{}' }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: usage.prompt,
          completion_tokens: usage.completion,
          total_tokens: usage.prompt + usage.completion,
          prompt_tokens_details: { cached_tokens: usage.cached ?? 0 },
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      fake.release();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
