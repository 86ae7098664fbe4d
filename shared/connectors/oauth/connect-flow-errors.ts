import { AppError } from '../../platform/errors';
import { GrantRejectedError } from './oauth-client';
import type { StartTicketError } from './start-tickets';
import type { StateError } from './state-store';

/** An OAuth flow that ended badly, shown to the person as a plain page. */
export class ConnectFlowError extends AppError {
  constructor(status: number, title: string, detail: string) {
    super(status, 'connect-failed', title, detail);
  }
}

/** The provider sent the person back with an error instead of a code (`access_denied` when they said no). */
export function refusedAtProvider(label: string, error: string): ConnectFlowError {
  if (error === 'access_denied') {
    return new ConnectFlowError(
      403,
      'Access not granted',
      `You did not give access to your ${label} account, so nothing was connected. You can try again from the Connections page.`,
    );
  }
  return new ConnectFlowError(
    400,
    'Connection failed',
    `${label} could not complete the sign-in (${error.slice(0, 60)}). Try again from the Connections page.`,
  );
}

const INVALID = 'This sign-in response is not valid. Start again from the Connections page.';
const STATE_PAGES: Record<StateError['reason'], [number, string]> = {
  malformed: [400, INVALID],
  'bad-signature': [400, INVALID],
  'wrong-provider': [400, INVALID],
  expired: [410, 'The sign-in took too long and expired. Start again from the Connections page.'],
  used: [
    409,
    'This sign-in response was already used. If your account is not connected yet, start again from the Connections page.',
  ],
  'other-browser': [
    400,
    'This sign-in was not started in this browser, so nothing was connected. Start again from the Connections page in the browser you use here (and allow its cookies).',
  ],
};

/** The flow's state could not be used (tampered, expired, replayed or from another browser). */
export function unusableState(err: StateError): ConnectFlowError {
  const [status, text] = STATE_PAGES[err.reason];
  return new ConnectFlowError(status, 'Connection failed', text);
}

const TICKET_PAGES: Record<StartTicketError['reason'], [number, string]> = {
  malformed: [400, 'This link to start connecting is not valid. Start again from the Connections page.'],
  unknown: [
    409,
    'This link to start connecting was already used. If your account is not connected yet, start again from the Connections page.',
  ],
  expired: [410, 'This link to start connecting has expired. Start again from the Connections page.'],
  'wrong-provider': [400, 'This link to start connecting is not valid. Start again from the Connections page.'],
};

/** The start ticket could not be used (malformed, used before, expired or for another provider). */
export function unusableTicket(err: StartTicketError): ConnectFlowError {
  const [status, text] = TICKET_PAGES[err.reason];
  return new ConnectFlowError(status, 'Connection not started', text);
}

/** A start posted from a page that is not the web app: someone else's link, never the person's own click. */
export const startedElsewhere = () =>
  new ConnectFlowError(
    403,
    'Connection not started',
    'Connecting an account can only be started from the Connections page of Personal Agents. Nothing was connected.',
  );

/** The code could not be exchanged for tokens: refused by the provider, or the provider could not be reached. */
export function codeNotExchanged(label: string, err: unknown): ConnectFlowError {
  if (err instanceof GrantRejectedError) {
    return new ConnectFlowError(
      400,
      'Connection failed',
      `${label} did not accept the sign-in. Start again from the Connections page.`,
    );
  }
  return new ConnectFlowError(
    502,
    'Connection failed',
    `${label} could not be reached to finish the sign-in. Try again in a moment.`,
  );
}
