import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { startLocalPlatform, type LocalPlatform, type StartOptions } from '../../local/testing';
import { clientBindingData } from '../../local/durable/http-api';
import { createServices, type Services } from '../../shared/app/services';
import { loadSettings } from '../../shared/platform/config';

import { startFlow } from './connectors';
import { eventually } from './eventually';

export { eventually };

/**
 * The app on the local runtime with its embedded stores, emulators and mail sink, plus the app's services in this
 * process on the same stores, and the calls tests make as a person would.
 */

export interface Person {
  email: string;
  token: string;
  tenantId: string;
}

export interface TestPlatform {
  platform: LocalPlatform;
  /** The app's services in this process, on the same stores (to propose as a run would). */
  services: Services;
  json<T = any>(
    path: string,
    init?: Parameters<LocalPlatform['api']>[1],
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** A signed-in person: email, token and tenant id. */
  person(email: string, name?: string): Promise<Person>;
  /** Connects the person's Google account (the emulator's demo mailbox) through the real OAuth code flow. */
  connectGoogle(person: Person): Promise<string>;
  /** A Durable client on the runtime (the same one functions get). */
  durableClient(): df.DurableClient;
  /** Waits until the run is in a final state and returns it. */
  finishedRun(person: Person, runId: string, timeoutMs?: number): Promise<any>;
  /** Notification emails the local SMTP sink received for `to`, newest first. */
  mail(to: string): Promise<SinkMessage[]>;
}

export interface SinkMessage {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const FINAL = ['completed', 'failed', 'cancelled', 'stopped'];

export async function startTestPlatform(opts: StartOptions = {}): Promise<TestPlatform> {
  const platform = await startLocalPlatform(opts);
  const services = createServices(loadSettings(platform.settings));
  const json: TestPlatform['json'] = async (path, init) => {
    const res = await platform.api(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never, headers: res.headers };
  };
  return {
    platform,
    services,
    json,
    async person(email, name) {
      const token = await platform.token(email, name ?? email.split('@')[0]);
      const me = await json<{ tenantId: string }>('/me', { token });
      if (me.status !== 200) throw new Error(`/me answered ${me.status}`);
      return { email, token, tenantId: me.body.tenantId };
    },
    async connectGoogle(person) {
      // As the web app in a browser: a start ticket with the bearer, posted from the web app's page (the API sets the
      // cookie binding the sign-in to this browser), the account picked on the provider page, then the callback
      // opened with the cookie the browser holds.
      const start = await startFlow(platform, person.token, 'google', { families: ['mail', 'calendar', 'files'] });
      const { cookie } = start;
      const url = new URL(start.authorizationUrl);
      const form = new URLSearchParams({ email: 'alex.morgan@gmail.example' });
      for (const key of [
        'redirect_uri',
        'scope',
        'state',
        'client_id',
        'code_challenge',
        'code_challenge_method',
        'nonce',
      ])
        form.set(key, url.searchParams.get(key) ?? '');
      const consent = await fetch(`${url.origin}/o/oauth2/v2/auth/callback`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      const callback = await fetch(consent.headers.get('location')!, {
        redirect: 'manual',
        headers: cookie ? { cookie } : {},
      });
      if (callback.status !== 302) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
      const list = await json<{ items: { id: string; provider: string }[] }>('/connectors', { token: person.token });
      return list.body.items.find((c) => c.provider === 'google')!.id;
    },
    durableClient() {
      const context = new InvocationContext({
        functionName: 'test',
        options: { extraInputs: [df.input.durableClient()] },
      });
      context.extraInputs.set(
        df.input.durableClient(),
        clientBindingData(platform.origin, platform.settings.TASKHUB_NAME ?? 'LocalHub'),
      );
      return df.getClient(context);
    },
    async finishedRun(person, runId, timeoutMs = 30_000) {
      const res = await eventually(
        () => json(`/orchestration/runs/${runId}`, { token: person.token }),
        (r) => r.status === 200 && FINAL.includes(r.body.status),
        `run ${runId} to finish`,
        timeoutMs,
      );
      return res.body;
    },
    async mail(to) {
      const res = await fetch(`${platform.origin}/dev/mail/messages.json?to=${encodeURIComponent(to)}`);
      if (!res.ok) throw new Error(`mail sink answered ${res.status}`);
      return ((await res.json()) as { items: SinkMessage[] }).items;
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
