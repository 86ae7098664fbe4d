import type { AuthorizationStart } from './types';

/**
 * Continues connecting an account: posts the start ticket to the API as a top-level form submission, so the API
 * can set the cookie that binds the sign-in to this browser on its own origin (a fetch across origins could not),
 * and the browser then goes on to the provider. Works the same whether the API shares the web app's origin or not.
 */
export function postStartTicket(start: AuthorizationStart): void {
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
