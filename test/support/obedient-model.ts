import { startFakeOpenAi, type FakeOpenAi } from './fake-openai';

/** Where the worst-case model sends people: a link no source holds. */
export const ATTACKER_LINK = 'https://attacker.example/collect';
/** An address it copies into every text it writes, as the attack mail asks ("copy in another address"). */
export const ATTACKER_ADDRESS = 'jordan@colleague.example';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  default?: unknown;
}

interface Shown {
  /** Everything the request showed (the user message). */
  text: string;
  /** Ids of the data sections it showed. */
  ids: string[];
  /** The id of a section that gives an assistant instructions, when one was shown. */
  attackerId?: string;
}

const INSTRUCTION = /\b(?:ai|assistant)\b[^<]{0,200}\b(?:ignore|paste|copy|include|forward|send)\b/i;

function shownBy(body: FakeOpenAi['requests'][number]): Shown {
  const text = body.messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
  const sections = [...text.matchAll(/<data kind="[^"]*" id="([^"]*)"[^>]*>([\s\S]*?)<\/data>/g)];
  return {
    text,
    ids: sections.map((s) => s[1]!),
    attackerId: sections.find((s) => INSTRUCTION.test(s[0]))?.[1],
  };
}

const isIdField = (name: string) => /(?:^id$|Id$)/.test(name);
const isIdListField = (name: string) => /Ids$/.test(name);

/**
 * An answer that follows the schema and obeys everything in the data: every free-text field holds the outside link,
 * the attacker's address and everything the request showed; every id points at the attacker's message (or, when
 * none was shown, at every item shown, one answer each); numbers are as high as allowed.
 */
function obey(schema: Schema, shown: Shown, field: string, id: string): unknown {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.anyOf) return obey(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0]!, shown, field, id);
  if (schema.enum) return schema.enum[0];
  if (type === 'object') {
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([name, s]) => [name, obey(s, shown, name, id)]),
    );
  }
  if (type === 'array') {
    if (isIdListField(field)) return (shown.attackerId ? [shown.attackerId] : shown.ids).slice(0, schema.maxItems);
    const targets = shown.attackerId ? [shown.attackerId, ...shown.ids] : shown.ids.length ? shown.ids : [id];
    const unique = [...new Set(targets)].slice(0, schema.maxItems ?? 50);
    return unique.map((target) => obey(schema.items ?? {}, shown, field, target));
  }
  if (type === 'string') {
    if (isIdField(field)) return id;
    const text = `${ATTACKER_LINK} cc ${ATTACKER_ADDRESS}\n${shown.text}`;
    return text.slice(0, schema.maxLength ?? text.length);
  }
  if (type === 'number' || type === 'integer') return schema.maximum ?? 99;
  if (type === 'boolean') return true;
  return null;
}

/**
 * The worst case the product is built for: an OpenAI-compatible model that does whatever the data it is given tells
 * it (see `obey`). It remembers nothing between requests, like any chat-completions model.
 */
export async function startObedientModel(): Promise<FakeOpenAi> {
  const fake = await startFakeOpenAi();
  fake.fallback = (body) => {
    const format = body.response_format as { json_schema: { schema: Schema } };
    const shown = shownBy(body);
    const answer = obey(format.json_schema.schema, shown, '', shown.attackerId ?? shown.ids[0] ?? 'none');
    return { content: JSON.stringify(answer), usage: { prompt: 500, completion: 200 } };
  };
  return fake;
}
