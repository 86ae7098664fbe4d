/** Reading a request's inputs strictly: the body and If-Match. */
import type { HttpRequest } from '@azure/functions';
import {
  fieldPath,
  LengthRequiredError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors';

const LONE_SURROGATE = /\p{Cs}/u;
/** Deeper JSON is refused: no request of ours nests that far, and validating it would exhaust the stack. */
const MAX_DEPTH = 64;

/** The first text problem of a parsed body: a lone surrogate (a `\ud800` escape) in a string or key, or deep nesting. */
function textProblem(body: unknown): { path: PropertyKey[]; message: string } | undefined {
  const pending: { value: unknown; path: PropertyKey[] }[] = [{ value: body, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return { path, message: 'a lone surrogate (\\uD800-\\uDFFF) is not text' };
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (path.length >= MAX_DEPTH) return { path: [], message: `nested deeper than ${MAX_DEPTH} levels` };
    const entries: [PropertyKey, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [key, item] of entries) {
      if (typeof key === 'string' && LONE_SURROGATE.test(key))
        return { path: [...path, key], message: 'a lone surrogate (\\uD800-\\uDFFF) is not text' };
      pending.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
}

const invalidBody = (detail: string, message: string, path: PropertyKey[] = []) =>
  new ValidationError(detail, [{ path: fieldPath('body', ...path), message }], 'request');

/**
 * The body's bytes, counted as they arrive: past `maxBytes` the stream is cancelled and 413 thrown, so a body that
 * declares no length (or a false one) is never read whole. At most `maxBytes` plus one chunk is held.
 */
async function readLimited(body: HttpRequest['body'], maxBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The request inputs `readBody` looks at (an `HttpRequest`, or anything with its headers and body stream). */
export type BodySource = Pick<HttpRequest, 'headers' | 'body'>;

/**
 * Reads the body strictly: within the size limit (checked against `Content-Length` first, then counted while the
 * body streams in), of the declared media type, valid UTF-8 (never decoded into replacement characters), valid JSON,
 * with no lone surrogates (text the stores cannot keep) and no deep nesting. A body sent chunked without
 * `Content-Length` that arrives empty is a 411: the Functions host passes such bodies to the app empty (README,
 * Conventions of every route), so the sender is told to give a length rather than that a field is missing.
 */
export async function readBody(request: BodySource, format: 'json' | 'form', maxBytes: number): Promise<unknown> {
  const length = request.headers.get('content-length');
  if (Number(length ?? '0') > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const bytes = await readLimited(request.body, maxBytes);
  if (bytes.byteLength === 0) {
    if (length === null && /\bchunked\b/i.test(request.headers.get('transfer-encoding') ?? ''))
      throw new LengthRequiredError();
    return undefined;
  }
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const expected = format === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  if (type !== expected && !(format === 'json' && type.endsWith('+json'))) {
    throw new UnsupportedMediaTypeError(expected);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidBody('The request body is not valid UTF-8 text.', 'invalid UTF-8');
  }
  if (text.trim() === '') return undefined;
  if (format === 'form') return Object.fromEntries(new URLSearchParams(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidBody('The request body is not valid JSON.', 'invalid JSON');
  }
  const problem = textProblem(value);
  if (problem) throw invalidBody('The request body is not text we can keep.', problem.message, problem.path);
  return value;
}

/**
 * If-Match of a state-changing request. A value that cannot be a list of our entity tags (control or non-ASCII
 * characters, overlong) matches no version: 412, before anything reaches the store.
 */
export function ifMatchOf(request: HttpRequest, method: string): string | undefined {
  if (method === 'GET') return undefined;
  const value = request.headers.get('if-match')?.trim();
  if (!value || value === '*') return undefined;
  if (value.length > 512 || !/^[\x21-\x7e]+(?:[ \t]*,[ \t]*[\x21-\x7e]+)*$/.test(value))
    throw new PreconditionFailedError();
  return value;
}
