/** Reading a request's inputs strictly: the body and If-Match. */
import type { HttpRequest } from '@azure/functions';
import {
  fieldPath,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors';

/** The path of the first string or key in `value` that holds a lone surrogate (a `\ud800` escape), if any. */
function loneSurrogateAt(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (typeof value === 'string') return /\p{Cs}/u.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = loneSurrogateAt(item, [...path, i]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = /\p{Cs}/u.test(key) ? [...path, key] : loneSurrogateAt(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

const invalidBody = (detail: string, message: string, path: PropertyKey[] = []) =>
  new ValidationError(detail, [{ path: fieldPath('body', ...path), message }], 'request');

/**
 * Reads the body strictly: within the size limit, of the declared media type, valid UTF-8 (never decoded into
 * replacement characters), valid JSON, and with no lone surrogates (text the stores cannot keep).
 */
export async function readBody(request: HttpRequest, format: 'json' | 'form', maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (bytes.byteLength === 0) return undefined;
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
  const surrogate = loneSurrogateAt(value);
  if (surrogate)
    throw invalidBody(
      'The request body has text that is not valid Unicode.',
      'a lone surrogate (\\uD800-\\uDFFF) is not text',
      surrogate,
    );
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
