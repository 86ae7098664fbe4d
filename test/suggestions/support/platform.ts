import { startLocalPlatform, type LocalPlatform, type StartOptions } from '../../../local/testing';
import { createServices, type Services } from '../../../shared/app/services';
import { loadSettings } from '../../../shared/platform/config';

export interface SinkMessage {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

import { eventually } from '../../support/eventually';

export { eventually };

export interface SuggestionPlatform {
  platform: LocalPlatform;
  /** The app's services in this process, on the same stores (to propose as a run would). */
  services: Services;
  mail(to: string): Promise<SinkMessage[]>;
  /** A signed-in person: token and tenant id. */
  person(email: string, name: string): Promise<{ token: string; tenantId: string }>;
  json<T = Record<string, unknown>>(
    path: string,
    init?: Parameters<LocalPlatform['api']>[1],
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

export async function startSuggestionPlatform(opts: StartOptions = {}): Promise<SuggestionPlatform> {
  const platform = await startLocalPlatform(opts);
  const services = createServices(loadSettings(platform.settings));
  const json: SuggestionPlatform['json'] = async (path, init) => {
    const res = await platform.api(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never, headers: res.headers };
  };
  return {
    platform,
    services,
    json,
    async mail(to) {
      const res = await fetch(`${platform.origin}/dev/mail/messages.json?to=${encodeURIComponent(to)}`);
      if (!res.ok) throw new Error(`mail sink answered ${res.status}`);
      return ((await res.json()) as { items: SinkMessage[] }).items;
    },
    async person(email, name) {
      const token = await platform.token(email, name);
      const me = await json<{ tenantId: string }>('/me', { token });
      if (me.status !== 200) throw new Error(`/me answered ${me.status}`);
      return { token, tenantId: me.body.tenantId };
    },
  };
}

/** The approve/reject links in an email's text part, by action line. */
export function linksIn(text: string): { approve: string[]; reject: string[] } {
  return {
    approve: [...text.matchAll(/Approve: (\S+)/g)].map((m) => m[1]!),
    reject: [...text.matchAll(/Reject:\s+(\S+)/g)].map((m) => m[1]!),
  };
}
