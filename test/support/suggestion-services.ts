import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServicesOnEmbeddedCosmos } from './embedded-cosmos';
import type { DomainEvent } from '../../shared/platform/events/domain-event';
import type { Proposal, ProposalOrigin } from '../../shared/suggestions/kinds';

/** Records what the app publishes, through the same HTTP API the local runtime's broker serves. */
export interface EventCapture {
  url: string;
  events: DomainEvent[];
  stop(): Promise<void>;
}

async function startEventCapture(): Promise<EventCapture> {
  const events: DomainEvent[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST' && body) {
        for (const message of JSON.parse(body) as { body: DomainEvent }[]) events.push(message.body);
      }
      res.writeHead(req.method === 'POST' ? 202 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/runtime/broker`,
    events,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

function testClock(start = Date.now()): TestClock {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

export async function startSuggestionServices(extra: Record<string, string> = {}) {
  const capture = await startEventCapture();
  const clock = testClock();
  const keyDir = mkdtempSync(join(tmpdir(), 'approval-key-'));
  const { services, stop } = await startServicesOnEmbeddedCosmos(
    { LOCAL_BROKER_URL: capture.url, EMAIL_TRANSPORT: 'none', APPROVAL_LINK_KEY_FILE: join(keyDir, 'key'), ...extra },
    clock,
  );
  return {
    services,
    clock,
    capture,
    async stop() {
      await stop();
      await capture.stop();
    },
  };
}

let runCounter = 0;

/**
 * A run of its own agent by default: suggestions are idempotent by (agent, kind, source items), so proposals of
 * different tests about the same demo message stay apart. Pass `agentId` to propose as one agent across runs.
 */
export function origin(
  tenantId: string,
  runId = `run-${Date.now()}-${++runCounter}`,
  agentId = `agent-${runId}`,
): ProposalOrigin {
  return {
    tenantId,
    runId,
    agentId,
    templateId: 'reply-drafter',
    promptVersion: 'v1',
    model: 'offline',
  };
}

export function taskProposal(title: string, extra: Partial<Proposal> = {}): Proposal {
  return {
    kind: 'task',
    payload: { title },
    rationale: 'You asked to be reminded.',
    sources: [],
    ...extra,
  } as Proposal;
}

export function replyProposal(to: string[], extra: Partial<Proposal> = {}): Proposal {
  return {
    kind: 'email.reply',
    payload: {
      connectorId: 'conn-1',
      messageId: 'msg-1',
      threadId: 'thr-1',
      to,
      cc: [],
      subject: 'Re: Lunch',
      body: 'Thursday works for me.',
    },
    rationale: 'Ana asked whether Thursday works.',
    sources: [{ type: 'message', id: 'msg-1', title: 'Lunch?' }],
    ...extra,
  } as Proposal;
}
