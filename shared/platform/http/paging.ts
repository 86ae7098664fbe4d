import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidCursorError } from '../errors';

/**
 * `?limit=` in decimal digits only: "0x10", "1e1", " 16" and "16.0" are refused, never read as 16. Documented as
 * an integer 1..100, default 25 (query values are strings on the wire).
 */
const limitParam = z.preprocess(
  (value) => (typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value),
  z.number({ error: 'must be a whole number from 1 to 100, in decimal digits' }).int().min(1).max(100).default(25),
);

/** `?limit=1..100 (default 25)&cursor=<opaque>` as agreed in the API conventions. */
export const pagingQuery = z.object({
  limit: limitParam,
  cursor: z.string().min(1).max(4096).optional(),
});

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A list response schema `{ items, nextCursor }` for the OpenAPI document. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/**
 * Seals the store's continuation tokens into the cursors clients see, and opens them again. A cursor is bound to
 * what it continues (`binding`: the tenant and the query), so one that was changed, belongs to another list or
 * person, or was sealed with another key is refused with 400 `invalid-cursor` before the store ever sees it.
 */
export interface CursorSeal {
  seal(continuation: string | undefined | null, binding: string): string | null;
  /** The continuation token inside `cursor`; undefined for no cursor (the first page). */
  open(cursor: string | undefined, binding: string): string | undefined;
}

const VERSION = 'c1';
const MAC_BYTES = 16;

/** `key`: at least 32 secret bytes, the same on every instance (cursors move between them). */
export function createCursorSeal(key: () => Buffer): CursorSeal {
  const mac = (payload: string, binding: string) =>
    createHmac('sha256', key())
      .update(`list-cursor.${VERSION}\n${binding}\n${payload}`)
      .digest()
      .subarray(0, MAC_BYTES);
  return {
    seal(continuation, binding) {
      if (!continuation) return null;
      const payload = Buffer.from(continuation, 'utf8').toString('base64url');
      return `${VERSION}.${payload}.${mac(payload, binding).toString('base64url')}`;
    },
    open(cursor, binding) {
      if (cursor === undefined) return undefined;
      const [version, payload, tag, ...rest] = cursor.split('.');
      if (version !== VERSION || !payload || !tag || rest.length) throw new InvalidCursorError();
      const given = Buffer.from(tag, 'base64url');
      // Canonical base64url only, so a cursor has exactly one spelling.
      if (given.toString('base64url') !== tag || given.length !== MAC_BYTES) throw new InvalidCursorError();
      if (!timingSafeEqual(given, mac(payload, binding))) throw new InvalidCursorError();
      return Buffer.from(payload, 'base64url').toString('utf8');
    },
  };
}
