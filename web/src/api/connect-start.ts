import { apiRequest } from './client';
import type { AuthorizationStart } from './types';

/** What a consent asks for: a reconnect or extension of `connectorId`, scopes to add, the page to come back to. */
export interface ConnectBody {
  connectorId?: string;
  scopes?: string[];
  /** A path of the web app the provider's consent returns to (default: Connections). */
  returnTo?: string;
}

/** Starts the provider's consent for `provider` with the person's sign-in, and leaves for it. */
export async function startConsent(provider: string, body: ConnectBody = {}): Promise<void> {
  const start = await apiRequest<AuthorizationStart>(`/connectors/${provider}/authorize`, { method: 'POST', body });
  postStartTicket(start);
}

/**
 * Continues connecting an account: posts the start ticket to the API as a top-level form submission, so the API
 * can set the cookie that binds the sign-in to this browser on its own origin (a fetch across origins could not),
 * and the browser then goes on to the provider. Works the same whether the API shares the web app's origin or not.
 */
function postStartTicket(start: AuthorizationStart): void {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = start.startUrl;
  form.hidden = true;
  const ticket = document.createElement('input');
  ticket.type = 'hidden';
  ticket.name = 'ticket';
  ticket.value = start.ticket;
  form.append(ticket);
  document.body.append(form);
  form.submit();
}
