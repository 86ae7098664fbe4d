import { z } from 'zod';

/**
 * The shape of every id the app mints (`agt_1f…`, `wf_…`, `run_20260301080000_…`, `sug_…`, `pack_inbox-zero`,
 * `google-0a1b…`, scheduled run ids with a UTC slot such as `…_20260301T080000.5Z`): ASCII letters and digits with
 * `_`, `-` and `.` between them. Characters the store refuses in an id (`/`, `\`, `?`, `#`), spaces, control
 * characters and lone surrogates never match, so a malformed id is a 400 naming the field, never a store error.
 */
const ID_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

/** Longest id accepted (the store allows 255; ours are far shorter). */
const ID_MAX_LENGTH = 200;

/** An id in a path, query or body. An id of this shape that does not exist is a 404, a malformed one a 400. */
export const resourceId = z
  .string()
  .min(1)
  .max(ID_MAX_LENGTH)
  .regex(ID_PATTERN, 'not an id: letters, digits, "_", "-" and "." only, starting and ending with a letter or digit');

/** `{ [name]: id }` — the params of a route with one id in its path, e.g. `idParams('agentId')`. */
export function idParams<K extends string>(name: K): z.ZodObject<{ [P in K]: typeof resourceId }> {
  return z.object({ [name]: resourceId } as { [P in K]: typeof resourceId });
}
