import { AsyncLocalStorage } from 'node:async_hooks';

/** The personal access token an API request was made with, as audit records name it. */
export interface ActingToken {
  id: string;
  name: string;
}

const current = new AsyncLocalStorage<ActingToken>();

/**
 * Runs `work` (one API request) on behalf of an access token: every audit record written meanwhile names the token
 * and says the action came through the API, whichever context writes it.
 */
export function actAsToken<T>(token: ActingToken, work: () => Promise<T>): Promise<T> {
  return current.run(token, work);
}

/** The token the current request acts with, if any. */
export function actingToken(): ActingToken | undefined {
  return current.getStore();
}
