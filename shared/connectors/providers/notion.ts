import type { Settings } from '../../platform/config';
import { ConflictError } from '../../platform/errors';
import { bound } from '../text';
import type { NotePage, NotesProvider } from '../types';
import { clampLimit } from './google-client';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TEXT_BLOCKS: Record<string, (text: string, block: Json) => string> = {
  paragraph: (t) => t,
  heading_1: (t) => `# ${t}`,
  heading_2: (t) => `## ${t}`,
  heading_3: (t) => `### ${t}`,
  bulleted_list_item: (t) => `- ${t}`,
  numbered_list_item: (t) => `1. ${t}`,
  to_do: (t, b) => `- [${b.to_do?.checked ? 'x' : ' '}] ${t}`,
  quote: (t) => `> ${t}`,
  callout: (t) => t,
  toggle: (t) => t,
  code: (t) => '```\n' + t + '\n```',
};

const plain = (rich: Json[] | undefined) => (rich ?? []).map((r) => r.plain_text ?? r.text?.content ?? '').join('');

function titleOf(page: Json): string {
  for (const prop of Object.values((page.properties ?? {}) as Record<string, Json>)) {
    if (prop?.type === 'title') return plain(prop.title) || 'Untitled';
  }
  return 'Untitled';
}

const toPage = (page: Json): NotePage => ({
  id: page.id,
  title: titleOf(page),
  ...(page.url ? { url: page.url } : {}),
  modifiedAt: page.last_edited_time ? new Date(page.last_edited_time).toISOString() : new Date(0).toISOString(),
});

/** Notion rich text is at most 2000 characters per element. */
const richText = (text: string) => {
  const parts: Json[] = [];
  for (let i = 0; i < text.length || i === 0; i += 2000)
    parts.push({ type: 'text', text: { content: text.slice(i, i + 2000) } });
  return parts;
};

/** Markdown-ish lines to Notion blocks (headings, bullets, paragraphs). */
export function contentBlocks(content: string): Json[] {
  return content
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}|\n(?=#{1,3} |[-*] )/)
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .map((chunk) => {
      const heading = chunk.match(/^(#{1,3}) (.*)$/s);
      if (heading) {
        const type = `heading_${heading[1]!.length}`;
        return { object: 'block', type, [type]: { rich_text: richText(heading[2]!) } };
      }
      const bullet = chunk.match(/^[-*] (.*)$/s);
      if (bullet)
        return { object: 'block', type: 'bulleted_list_item', bulleted_list_item: { rich_text: richText(bullet[1]!) } };
      return { object: 'block', type: 'paragraph', paragraph: { rich_text: richText(chunk) } };
    });
}

/** Notion behind the notes interface. */
export async function createNotionProvider(settings: Settings, fetchImpl: typeof fetch): Promise<NotesProvider> {
  const { Client } = await import('@notionhq/client');
  const client = new Client({
    baseUrl: settings.NOTION_API_BASE_URL.replace(/\/$/, ''),
    fetch: fetchImpl,
    retry: false,
  });

  return {
    async search(query) {
      const res = (await client.search({
        ...(query.text ? { query: query.text } : {}),
        filter: { property: 'object', value: 'page' },
        page_size: clampLimit(query.limit),
        ...(query.cursor ? { start_cursor: query.cursor } : {}),
      })) as Json;
      return {
        items: (res.results as Json[]).filter((r) => r.object === 'page').map(toPage),
        nextCursor: res.next_cursor ?? null,
      };
    },

    async readPage(pageId) {
      const page = toPage((await client.pages.retrieve({ page_id: pageId })) as Json);
      const lines: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      let more: boolean;
      do {
        const res = (await client.blocks.children.list({
          block_id: pageId,
          page_size: 100,
          ...(cursor ? { start_cursor: cursor } : {}),
        })) as Json;
        for (const block of res.results as Json[]) {
          const render = TEXT_BLOCKS[block.type];
          if (render) lines.push(render(plain(block[block.type]?.rich_text), block));
          else if (block.type === 'child_page') lines.push(`[${block.child_page?.title ?? 'page'}]`);
        }
        cursor = res.next_cursor ?? undefined;
        more = Boolean(res.has_more && cursor);
      } while (more && ++pages < settings.CONNECTOR_MAX_PAGES);
      const text = bound(lines.join('\n').trim(), more);
      return { page, ...text };
    },

    async createPage(input) {
      let parentId = input.parentPageId;
      if (!parentId) {
        const shared = (await client.search({ filter: { property: 'object', value: 'page' }, page_size: 1 })) as Json;
        parentId = (shared.results as Json[])[0]?.id;
        if (!parentId)
          throw new ConflictError(
            'No Notion page is shared with this connection yet. Share a page with it in Notion, then try again.',
          );
      }
      const blocks = contentBlocks(input.content);
      const created = (await client.pages.create({
        parent: { page_id: parentId },
        properties: { title: { title: richText(input.title) } },
        children: blocks.slice(0, 100),
      } as never)) as Json;
      for (let i = 100; i < blocks.length; i += 100) {
        await client.blocks.children.append({ block_id: created.id, children: blocks.slice(i, i + 100) } as never);
      }
      return toPage(created);
    },

    async archivePage(pageId) {
      await client.pages.update({ page_id: pageId, in_trash: true });
    },
  };
}
