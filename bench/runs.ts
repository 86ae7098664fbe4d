/**
 * Runs over mailboxes of 10, 100 and 1000 messages on the local runtime with the offline (zero-latency) model.
 * Prints, per mailbox size: orchestration overhead per run (wall time minus model and connector time), activity
 * calls per run (from the orchestration history), and prompt tokens per message of our batched prompt compared
 * with a naive one-request-per-message prompt (js-tiktoken, o200k_base). Then the price of generating outbound text
 * per source item: the reply drafter's prompt tokens per message, one request per message (as runs make them) against
 * the same messages in batches of 100 (as they were made before), and how much of the per-item prompt is the static
 * prefix every request shares (cacheable by the provider).
 *
 *   npm run bench:runs            # RUNS_PER_SIZE=3 by default
 */
import { getEncoding } from 'js-tiktoken';
import { createAiGateway } from '../shared/ai/create-gateway';
import { itemInputs } from '../shared/catalog/per-item';
import { inboxTriage } from '../shared/catalog/templates/inbox-triage';
import { triageConfig } from '../shared/catalog/templates/inbox-triage/schema';
import { replyDrafter } from '../shared/catalog/templates/reply-drafter';
import { replyConfig } from '../shared/catalog/templates/reply-drafter/schema';
import type { AgentInput, AgentMail, ItemInput } from '../shared/catalog/types';
import { mapLimited } from '../shared/platform/pool';
import { startTestPlatform, type TestPlatform, type Person } from '../test/support/platform';

const SIZES = [10, 100, 1000];
const RUNS_PER_SIZE = Number(process.env.RUNS_PER_SIZE ?? 3);
const BATCH = 100;

/** An access token for the emulator's demo account, through the emulator's own OAuth code flow. */
async function emulatorToken(p: TestPlatform): Promise<string> {
  const emulator = p.platform.settings.GOOGLE_EMULATOR!;
  const redirectUri = `${p.platform.origin}/api/connectors/google/callback`;
  const consent = await fetch(`${emulator}/o/oauth2/v2/auth/callback`, {
    method: 'POST',
    body: new URLSearchParams({
      email: 'alex.morgan@gmail.example',
      redirect_uri: redirectUri,
      scope: 'https://mail.google.com/',
      client_id: p.platform.settings.GOOGLE_CLIENT_ID!,
    }),
    redirect: 'manual',
  });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${emulator}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: p.platform.settings.GOOGLE_CLIENT_ID!,
      client_secret: p.platform.settings.GOOGLE_CLIENT_SECRET!,
      redirect_uri: redirectUri,
    }),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

const SAMPLES = [
  {
    from: 'Priya Shah <priya@northwind.example>',
    subject: 'Can you review the Q4 budget draft?',
    text: 'Hi Alex, could you take a look at the budget draft before Friday? The travel line grew and I would like your view on it. Let me know what you think.',
  },
  {
    from: 'Product News <noreply@news.example>',
    subject: 'Weekly newsletter: what shipped',
    text: 'Here is everything that shipped this week: faster search, new themes and a redesigned settings page. Unsubscribe at any time.',
  },
  {
    from: 'Marco Rossi <marco@contoso.example>',
    subject: 'URGENT: contract deadline today',
    text: 'We need the signed contract by end of day today, otherwise the offer lapses. Please send it over as soon as you can.',
  },
  {
    from: 'Lena Weber <lena@fabrikam.example>',
    subject: 'Notes from the workshop',
    text: 'Sharing my notes from the workshop for reference. Nothing needed from you, just keeping everyone in the loop.',
  },
];

async function seedMailbox(p: TestPlatform, count: number): Promise<void> {
  const token = await emulatorToken(p);
  const emulator = p.platform.settings.GOOGLE_EMULATOR!;
  const now = Date.now();
  const indexes = Array.from({ length: count }, (_, i) => i);
  await mapLimited(indexes, 8, async (i) => {
    const sample = SAMPLES[i % SAMPLES.length]!;
    const res = await fetch(`${emulator}/gmail/v1/users/me/messages/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: sample.from,
        to: 'Alex Morgan <alex.morgan@gmail.example>',
        subject: `${sample.subject} (${i + 1})`,
        body_text: sample.text,
        date: new Date(now - 60_000 - i * 30_000).toUTCString(),
      }),
    });
    if (!res.ok) throw new Error(`emulator import answered ${res.status}: ${await res.text()}`);
  });
}

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log(title);
  console.log(header.map((c, i) => c.padStart(widths[i]!)).join('  '));
  for (const row of rows) console.log(row.map((c, i) => c.padStart(widths[i]!)).join('  '));
}

type MessagesFor = (
  args: Parameters<ReturnType<typeof createAiGateway>['messagesFor']>,
) => { role: string; content: string }[];

/** The reply drafter's prompt tokens for these messages: per item (as runs send them) and batched (as before). */
function replyTokens(mail: AgentMail[], messagesFor: MessagesFor, tokens: (text: string) => number): string[] {
  const config = replyConfig.parse({});
  const input: AgentInput = {
    now: new Date().toISOString(),
    timezone: 'UTC',
    config,
    mail,
    threads: [],
    events: [],
    documents: [],
    previous: [],
  };
  const context = `Today is ${input.now} (time zone UTC). Settings: ${JSON.stringify(config)}.`;
  const items = itemInputs(replyDrafter, input);
  const count = (messages: { content: string }[]) => tokens(messages.map((x) => x.content).join('\n'));
  const perItem = items.reduce((n, item) => n + count(messagesFor([replyDrafter.task, item, context])), 0);
  const prefix = items.length * tokens(messagesFor([replyDrafter.task, items[0]!, context])[0]!.content);
  // The same sections, many per request: what one batched request per 100 messages held.
  const batchTask = {
    ...replyDrafter.task,
    sections: (batch: ItemInput<typeof config, AgentMail>[]) => batch.flatMap((i) => replyDrafter.task.sections(i)),
  };
  let batched = 0;
  for (let i = 0; i < items.length; i += BATCH)
    batched += count(messagesFor([batchTask as never, items.slice(i, i + BATCH), context]));
  return [
    String(mail.length),
    (perItem / mail.length).toFixed(1),
    (prefix / mail.length).toFixed(1),
    (batched / mail.length).toFixed(1),
    `${((100 * perItem) / batched).toFixed(0)}%`,
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Activities the orchestration scheduled, counted in its history (the Durable HTTP API's `showHistory`). */
async function activityCalls(p: TestPlatform, instanceId: string): Promise<number> {
  const hub = encodeURIComponent(p.platform.settings.TASKHUB_NAME ?? 'LocalHub');
  const res = await fetch(
    `${p.platform.origin}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?showHistory=true&taskHub=${hub}`,
  );
  const status = (await res.json()) as { historyEvents?: { EventType: string }[] };
  return (status.historyEvents ?? []).filter((e) => e.EventType === 'TaskScheduled').length;
}

async function main() {
  console.log('starting the local platform (offline model)…');
  const p = await startTestPlatform({ settings: { AI_PROVIDER: 'offline', AI_BATCH_MAX_ITEMS: String(BATCH) } });
  try {
    const person: Person = await p.person('bench@runs.test', 'Bench');
    await p.services.tenants().setTier(person.tenantId, 'team');
    await p.connectGoogle(person);
    console.log(`seeding ${Math.max(...SIZES)} messages into the Google emulator…`);
    await seedMailbox(p, Math.max(...SIZES));

    const encoder = getEncoding('o200k_base');
    const tokens = (text: string) => encoder.encode(text).length;
    const gateway = createAiGateway({ ...p.services.settings, AI_PROVIDER: 'offline' });
    const rows: string[][] = [];
    const replyRows: string[][] = [];
    for (const size of SIZES) {
      const agent = await p.json('/agents', {
        method: 'POST',
        token: person.token,
        json: { templateId: 'inbox-triage', name: `Triage ${size}`, config: { maxMessages: size, lookbackHours: 24 } },
      });
      const overheads: number[] = [];
      const calls: number[] = [];
      const walls: number[] = [];
      let mail: AgentMail[] = [];
      for (let i = 0; i < RUNS_PER_SIZE; i++) {
        const started = await p.json('/orchestration/runs', {
          method: 'POST',
          token: person.token,
          json: { agentId: agent.body.id },
        });
        const run = await p.finishedRun(person, started.body.id, 120_000);
        if (run.status !== 'completed') throw new Error(`run ${run.id} ${run.status}: ${run.reason}`);
        const wall = Date.parse(run.finishedAt) - Date.parse(run.createdAt);
        const external = run.steps.reduce((n: number, s: any) => n + s.timings.gatherMs + s.timings.modelMs, 0);
        walls.push(wall);
        overheads.push(wall - external);
        const stored = await p.services.runs().get(person.tenantId, run.id);
        calls.push(await activityCalls(p, stored.instanceId));
        if (i === 0) {
          const snapshot = await p.services
            .snapshots()
            .read<{ items: AgentMail[] }>(person.tenantId, stored.steps[0]!.snapshots[0]!.snapshotId);
          mail = snapshot.data.items;
        }
      }
      // Prompt tokens: our batched prompt (static prefix once per batch) vs one request per message.
      const config = triageConfig.parse({ maxMessages: size });
      const input = (m: AgentMail[]): AgentInput => ({
        now: new Date().toISOString(),
        timezone: 'UTC',
        config,
        mail: m,
        threads: [],
        events: [],
        documents: [],
        previous: [],
      });
      const context = `Today is ${new Date().toISOString()} (time zone UTC). Settings: ${JSON.stringify(config)}.`;
      const promptTokens = (m: AgentMail[]) =>
        tokens(
          gateway
            .messagesFor(inboxTriage.task, input(m), context)
            .map((x) => x.content)
            .join('\n'),
        );
      let ours = 0;
      for (let i = 0; i < mail.length; i += BATCH) ours += promptTokens(mail.slice(i, i + BATCH));
      const naive = mail.reduce((n, m) => n + promptTokens([m]), 0);
      replyRows.push(replyTokens(mail, (m) => gateway.messagesFor(...m), tokens));
      rows.push([
        String(size),
        String(mail.length),
        `${median(walls)} ms`,
        `${median(overheads)} ms`,
        String(median(calls)),
        (ours / mail.length).toFixed(1),
        (naive / mail.length).toFixed(1),
        `${((100 * ours) / naive).toFixed(1)}%`,
      ]);
    }
    const header = [
      'mailbox',
      'read',
      'wall/run',
      'overhead/run',
      'activity calls/run',
      'prompt tok/msg',
      'naive tok/msg',
      'ours vs naive',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
    console.log(
      `\n${RUNS_PER_SIZE} run(s) per size, medians; overhead = wall time (request to finish) minus connector and model time`,
    );
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    printTable(
      '\nReply drafter (text that leaves the mailbox): one request per message vs the same messages in batches of 100',
      ['mailbox', 'per-item tok/msg', 'static prefix tok/msg', 'batched tok/msg', 'per-item vs batched'],
      replyRows,
    );
  } finally {
    await p.platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
