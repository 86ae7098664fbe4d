/**
 * The broker's HTTP API on the runtime port (the app's local event publisher uses it; tests read it):
 *   GET  /runtime/broker                                   200 {status, entities:[{entity, active, locked, deadLettered, consumers}]}
 *   POST /runtime/broker/{queueOrTopic}/messages           JSON array of {messageId?, body, contentType?, subject?,
 *                                                          correlationId?, applicationProperties?} -> 202
 *   GET  /runtime/broker/{queue}/messages                  messages waiting (also .../{topic}/subscriptions/{sub}/messages)
 *   GET  /runtime/broker/{queue}/deadletter                dead-lettered messages (also for subscriptions)
 */
import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from '../host/http-trigger';
import type { Broker, IncomingMessage } from './broker';

const MAX_BODY = 4 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' })
    .end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

function parseMessages(value: unknown): IncomingMessage[] | string {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return 'Send at least one message.';
  const out: IncomingMessage[] = [];
  for (const [i, item] of list.entries()) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return `[${i}] must be an object with a "body".`;
    const m = item as Record<string, unknown>;
    if (!('body' in m)) return `[${i}].body is missing.`;
    for (const key of ['messageId', 'contentType', 'subject', 'correlationId'] as const) {
      if (m[key] !== undefined && m[key] !== null && typeof m[key] !== 'string')
        return `[${i}].${key} must be a string.`;
    }
    const props = m.applicationProperties;
    if (props !== undefined && props !== null && (typeof props !== 'object' || Array.isArray(props))) {
      return `[${i}].applicationProperties must be an object.`;
    }
    out.push({
      messageId: (m.messageId as string | undefined) ?? undefined,
      body: m.body,
      contentType: (m.contentType as string | undefined) ?? undefined,
      subject: (m.subject as string | undefined) ?? undefined,
      correlationId: (m.correlationId as string | undefined) ?? undefined,
      applicationProperties: (props as Record<string, unknown> | undefined) ?? undefined,
    });
  }
  return out;
}

export async function handleBrokerHttp(broker: Broker, req: HttpRequest, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/runtime/broker') {
    if (method !== 'GET' && method !== 'HEAD') return problem(res, 405, 'Method not allowed', 'Use GET.');
    return send(res, 200, { status: 'ok', entities: broker.summary() });
  }
  const match = /^\/runtime\/broker\/(.+)\/(messages|deadletter)$/.exec(path);
  if (!match) return problem(res, 404, 'Not found', `${path} is not a broker endpoint.`);
  let entity: string;
  try {
    entity = decodeURIComponent(match[1]!);
  } catch {
    return problem(res, 400, 'Bad request', 'The entity name is not valid.');
  }
  const kind = match[2]!;
  if (method === 'GET') return send(res, 200, kind === 'messages' ? broker.peek(entity) : broker.deadLetters(entity));
  if (method !== 'POST' || kind !== 'messages' || entity.includes('/subscriptions/')) {
    return problem(
      res,
      405,
      'Method not allowed',
      'Messages are sent with POST to /runtime/broker/{queueOrTopic}/messages.',
    );
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    return problem(res, 415, 'Unsupported media type', 'Send the messages as application/json.');
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return problem(res, 413, 'Payload too large', err.message);
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return problem(res, 400, 'Bad request', 'The body is not valid JSON.');
  }
  const messages = parseMessages(parsed);
  if (typeof messages === 'string') return problem(res, 400, 'Bad request', messages);
  const { delivered, saved } = broker.publish(entity, messages);
  await saved; // accepted means kept: it survives a crash from here on
  send(res, 202, { accepted: messages.length, entities: delivered });
}
