import { z } from 'zod';
import { ValidationError } from '../errors';

/** `?limit=1..100 (default 25)&cursor=<opaque>` as agreed in the API conventions. */
export const pagingQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(4096).optional(),
});

export type PagingQuery = z.infer<typeof pagingQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A list response schema `{ items, nextCursor }` for the OpenAPI document. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Cursors are opaque to clients: base64url of whatever the store needs to continue (a continuation token). */
export function encodeCursor(state: string | undefined | null): string | null {
  return state ? Buffer.from(state, 'utf8').toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded || Buffer.from(decoded, 'utf8').toString('base64url') !== cursor) {
    throw new ValidationError('The cursor is not valid. Start again from the first page.', [
      { path: 'query.cursor', message: 'invalid cursor' },
    ]);
  }
  return decoded;
}
