/**
 * New mail → its suggestion visible, with a simulated Gmail push: the mail is imported into the Gmail emulator and
 * Pub/Sub's push request (signed by a local stand-in for Google's keys) is posted to /api/hooks/gmail at once; polling
 * is an hour away, so only the push can start the run. Part of `npm run bench:events`.
 */
import { GOOGLE_DEMO_USER } from '../local/demo-data/google';
import { suggestionAbout } from './events-support';
import { createAgent, importMail, startEventsWorld } from '../test/events/support';
import { pubSubPush, startFakeGoogleSigner } from '../test/events/push-support';

const AUDIENCE = 'https://bench.example/api/hooks/gmail';
const PUSH_ACCOUNT = 'gmail-push@bench.iam.gserviceaccount.com';

/** Milliseconds from a mail's arrival to its suggestion being listed, one per sample. */
export async function pushLatency(samples: number): Promise<number[]> {
  const google = await startFakeGoogleSigner();
  const w = await startEventsWorld({
    pollSeconds: 3600,
    settings: {
      GMAIL_PUSH_TOPIC: 'projects/bench/topics/gmail',
      GMAIL_PUSH_AUDIENCE: AUDIENCE,
      GMAIL_PUSH_SERVICE_ACCOUNT: PUSH_ACCOUNT,
      GOOGLE_PUSH_JWKS_URL: google.jwksUrl,
    },
  });
  try {
    const agentId = await createAgent(w, { templateId: 'inbox-triage', events: [{ on: 'mail.received' }] });
    const watch = await w.p.services.pushSubscriptions().ensure(w.person.tenantId, w.connectorId, 'mail');
    if (watch?.state !== 'active') throw new Error('the Gmail watch did not start');
    const first = await w.p.json<{ runId: string }>('/orchestration/runs', {
      token: w.person.token,
      json: { agentId },
    });
    await w.p.finishedRun(w.person, first.body.runId, 120_000);
    const token = await google.sign({
      iss: 'https://accounts.google.com',
      aud: AUDIENCE,
      email: PUSH_ACCOUNT,
      email_verified: true,
    });
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const id = await importMail(w, {
        from: `Client ${i} <client${i}@push.example>`,
        subject: `Can you confirm the budget for project ${i}?`,
        text: 'Could you confirm the numbers by Friday? Let me know what you think.',
      });
      const res = await w.p.platform.api('/hooks/gmail', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        json: pubSubPush(GOOGLE_DEMO_USER.email, String(1000 + i), `bench-push-${Date.now()}-${i}`),
      });
      if (res.status !== 204) throw new Error(`the push was answered ${res.status}: ${await res.text()}`);
      await suggestionAbout(w, id);
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    await w.p.platform.stop();
    await google.close();
  }
}
