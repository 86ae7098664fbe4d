// A person with real resources to aim bad requests at: an installed pack (agents, workflows), their ETags, and
// cursors that must be refused (tampered, overlong, made up, another list's, another person's).
import assert from 'node:assert/strict';
import type { LocalPlatform } from '../../../local/testing';
import type { FuzzTarget } from './api-fuzz';

type Json = Record<string, any>;

async function json(platform: LocalPlatform, path: string, init: Parameters<LocalPlatform['api']>[1]) {
  const res = await platform.api(path, init);
  const body = (await res.json()) as Json;
  assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Signs a person in and installs a pack, so every route has a real id and every list more than one page. */
async function personWithPack(platform: LocalPlatform, email: string) {
  const token = await platform.token(email);
  const me = await json(platform, '/me', { token });
  const packs = await json(platform, '/catalog/packs', { token });
  const pack = (packs.items as Json[]).find((p) => p.agents.length >= 2 && p.workflows.length >= 1) ?? packs.items[0];
  const install = await json(platform, `/packs/${pack.id}/install`, { method: 'POST', token });
  const agents = await json(platform, '/agents?limit=1', { token });
  assert.ok(agents.nextCursor, 'the pack gives more than one agent, so the agent list has a second page');
  return { token, tenantId: me.tenantId as string, pack, install, agentsCursor: agents.nextCursor as string };
}

function flipOne(cursor: string, at: number): string {
  const c = cursor[at]!;
  return cursor.slice(0, at) + (c === 'A' ? 'B' : 'A') + cursor.slice(at + 1);
}

export async function createFuzzTarget(platform: LocalPlatform): Promise<FuzzTarget> {
  const owner = await personWithPack(platform, 'fuzz-owner@example.com');
  const other = await personWithPack(platform, 'fuzz-other@example.com');
  const workflows = await json(platform, '/workflows?limit=1', { token: owner.token });
  const cursor = owner.agentsCursor;
  return {
    platform,
    token: owner.token,
    tenantId: owner.tenantId,
    values: {
      agentId: owner.install.agentIds[0],
      workflowId: owner.install.workflowIds[0],
      installId: owner.install.installId,
      packId: owner.pack.id,
      templateId: owner.pack.agents[0].templateId,
      id: 'sug_000000000000000000000000',
      runId: 'run_20260101000000_0000000000',
      connectorId: 'google-0000000000000000',
      exportId: '00000000-0000-4000-8000-000000000000',
      provider: 'google',
      token: 'v1.e30.AAAA',
    },
    badCursors: [
      `${cursor}x`,
      flipOne(cursor, 5),
      flipOne(cursor, cursor.length - 3),
      cursor.slice(0, -2),
      'x'.repeat(4096),
      'c1.e30.AAAAAAAAAAAAAAAAAAAAAA',
      Buffer.from('{"token":"+RID:~abc==#RT:1"}').toString('base64url'),
      other.agentsCursor,
      ...(workflows.nextCursor ? [workflows.nextCursor as string] : []),
    ],
  };
}
