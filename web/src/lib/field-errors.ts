import { ApiError } from '../api/client';

/** The API's field errors by path without the `body.` prefix ("steps[0].agentId" -> message), for showing next to fields. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) for (const e of error.fieldErrors) out[e.path.replace(/^body\./, '')] ??= e.message;
  return out;
}
