/**
 * A small fake of the Notion API for tests: OAuth (authorize redirect, token, revoke), search, pages, block children,
 * users/me. Bearer tokens are checked; `failNext` makes the next matching call answer with an error first.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Page {
  id: string;
  parentId?: string;
  title: string;
  blocks: Record<string, unknown>[];
  in_trash: boolean;
  last_edited_time: string;
}

export interface FakeNotion {
  url: string;
  clientId: string;
  clientSecret: string;
  pages: Map<string, Page>;
  revoked: Set<string>;
  calls: { method: string; path: string }[];
  /** The next request whose path starts with `path` gets this status (and Retry-After when given). */
  failNext(path: string, status: number, retryAfter?: string): void;
  close(): Promise<void>;
}

const para = (text: string) => ({
  object: 'block',
  id: randomUUID(),
  type: 'paragraph',
  paragraph: { rich_text: [{ type: 'text', plain_text: text, text: { content: text } }] },
});

export async function startFakeNotion(): Promise<FakeNotion> {
  const clientId = 'notion-client';
  const clientSecret = 'notion-secret';
  const codes = new Map<string, string>();
  const tokens = new Set<string>();
  const revoked = new Set<string>();
  const calls: { method: string; path: string }[] = [];
  const failures: { path: string; status: number; retryAfter?: string }[] = [];
  const pages = new Map<string, Page>();
  const now = new Date().toISOString();
  const root: Page = {
    id: randomUUID(),
    title: 'Team wiki',
    blocks: [para('Welcome to the wiki.')],
    in_trash: false,
    last_edited_time: now,
  };
  const notes: Page = {
    id: randomUUID(),
    parentId: root.id,
    title: 'Weekly planning notes',
    blocks: [
      {
        object: 'block',
        id: randomUUID(),
        type: 'heading_1',
        heading_1: { rich_text: [{ plain_text: 'Priorities' }] },
      },
      {
        object: 'block',
        id: randomUUID(),
        type: 'bulleted_list_item',
        bulleted_list_item: { rich_text: [{ plain_text: 'Ship the Contoso rollout plan' }] },
      },
      {
        object: 'block',
        id: randomUUID(),
        type: 'to_do',
        to_do: { checked: true, rich_text: [{ plain_text: 'Review Q3 budget' }] },
      },
      ...Array.from({ length: 120 }, (_, i) => para(`Line ${i + 1}`)),
    ],
    in_trash: false,
    last_edited_time: now,
  };
  pages.set(root.id, root);
  pages.set(notes.id, notes);

  const pageJson = (p: Page) => ({
    object: 'page',
    id: p.id,
    url: `https://notion.example/${p.id.replace(/-/g, '')}`,
    last_edited_time: p.last_edited_time,
    in_trash: p.in_trash,
    parent: p.parentId ? { type: 'page_id', page_id: p.parentId } : { type: 'workspace', workspace: true },
    properties: {
      title: { id: 'title', type: 'title', title: [{ type: 'text', plain_text: p.title, text: { content: p.title } }] },
    },
  });

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) =>
    send(res, status, { object: 'error', status, code, message: code }, headers);
  const bodyOf = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as Record<string, any>) : {};
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    calls.push({ method: req.method ?? 'GET', path });
    const failure = failures.findIndex((f) => path.startsWith(f.path));
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1);
      return error(
        res,
        f!.status,
        f!.status === 429 ? 'rate_limited' : 'internal_server_error',
        f!.retryAfter ? { 'retry-after': f!.retryAfter } : {},
      );
    }
    if (path === '/v1/oauth/authorize') {
      const code = randomUUID();
      codes.set(code, url.searchParams.get('redirect_uri') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (path === '/v1/oauth/token' && req.method === 'POST') {
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (basic !== `${clientId}:${clientSecret}`) return error(res, 401, 'invalid_client');
      const body = await bodyOf(req);
      if (body.grant_type !== 'authorization_code' || codes.get(body.code) !== body.redirect_uri)
        return send(res, 400, { error: 'invalid_grant' });
      codes.delete(body.code);
      const token = `ntn_${randomUUID()}`;
      tokens.add(token);
      return send(res, 200, {
        access_token: token,
        token_type: 'bearer',
        bot_id: 'bot-1',
        workspace_id: 'ws-1',
        workspace_name: 'Acme Workspace',
        owner: { type: 'user', user: { object: 'user', id: 'u-1', name: 'Ada', person: { email: 'ada@example.com' } } },
      });
    }
    if (path === '/v1/oauth/revoke' && req.method === 'POST') {
      const body = await bodyOf(req);
      tokens.delete(body.token);
      revoked.add(body.token);
      return send(res, 200, {});
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(bearer)) return error(res, 401, 'unauthorized');
    if (path === '/v1/users/me') return send(res, 200, { object: 'user', id: 'bot-1', type: 'bot' });
    if (path === '/v1/search' && req.method === 'POST') {
      const body = await bodyOf(req);
      const q = String(body.query ?? '').toLowerCase();
      const all = [...pages.values()].filter((p) => !p.in_trash && p.title.toLowerCase().includes(q));
      const size = Number(body.page_size ?? 100);
      const start = body.start_cursor ? Number(body.start_cursor) : 0;
      const slice = all.slice(start, start + size);
      const more = start + size < all.length;
      return send(res, 200, {
        object: 'list',
        results: slice.map(pageJson),
        has_more: more,
        next_cursor: more ? String(start + size) : null,
      });
    }
    const pageMatch = path.match(/^\/v1\/pages\/([^/]+)$/);
    if (pageMatch) {
      const page = pages.get(pageMatch[1]!);
      if (!page) return error(res, 404, 'object_not_found');
      if (req.method === 'PATCH') {
        const body = await bodyOf(req);
        if (body.in_trash === true || body.archived === true) page.in_trash = true;
      }
      return send(res, 200, pageJson(page));
    }
    if (path === '/v1/pages' && req.method === 'POST') {
      const body = await bodyOf(req);
      const parentId = body.parent?.page_id;
      if (!pages.has(parentId)) return error(res, 404, 'object_not_found');
      const title = (body.properties?.title?.title ?? [])
        .map((t: { text: { content: string } }) => t.text.content)
        .join('');
      const page: Page = {
        id: randomUUID(),
        parentId,
        title,
        blocks: body.children ?? [],
        in_trash: false,
        last_edited_time: new Date().toISOString(),
      };
      pages.set(page.id, page);
      return send(res, 200, pageJson(page));
    }
    const blocksMatch = path.match(/^\/v1\/blocks\/([^/]+)\/children$/);
    if (blocksMatch) {
      const page = pages.get(blocksMatch[1]!);
      if (!page) return error(res, 404, 'object_not_found');
      if (req.method === 'PATCH') {
        const body = await bodyOf(req);
        page.blocks.push(...(body.children ?? []));
        return send(res, 200, { object: 'list', results: [] });
      }
      const size = Number(url.searchParams.get('page_size') ?? 100);
      const start = Number(url.searchParams.get('start_cursor') ?? 0);
      const more = start + size < page.blocks.length;
      return send(res, 200, {
        object: 'list',
        results: page.blocks.slice(start, start + size),
        has_more: more,
        next_cursor: more ? String(start + size) : null,
      });
    }
    return error(res, 404, 'object_not_found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    clientId,
    clientSecret,
    pages,
    revoked,
    calls,
    failNext: (path, status, retryAfter) => failures.push({ path, status, retryAfter }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
