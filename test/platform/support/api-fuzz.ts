// Walks the OpenAPI document and sends every operation bad inputs derived from its own schemas: malformed and
// reserved-character ids, lone surrogates, boundary lengths, wrong types, tampered and foreign cursors, broken bodies,
// garbage and `*` If-Match. Used by the permanent test (fixed seed, bounded) and by `npm run fuzz:api` (random seed).
import { createServices, type Services } from '../../../shared/app/services';
import { loadSettings } from '../../../shared/platform/config';
import { TENANT_CONTAINERS } from '../../../shared/identity/privacy';
import type { LocalPlatform } from '../../../local/testing';

type Schema = Record<string, any>;

/** One request and what a correct answer looks like. */
export interface FuzzCase {
  operation: string;
  method: string;
  /** Path below /api, already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** What is wrong with the request, e.g. `params.agentId = "a/b"`. */
  what: string;
  /** Field path the 400 must name (prefix match); undefined when any refusal will do. */
  field?: string;
  /** Sent only to see it is not a 5xx: `*` on a missing resource, say. */
  refusalOptional?: boolean;
}

export interface FuzzFinding {
  case: FuzzCase;
  status: number;
  problem: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  operations: number;
  statuses: Record<string, number>;
  findings: FuzzFinding[];
  durationMs: number;
}

/** A small deterministic PRNG (mulberry32), so a seed replays the same requests. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const LONE_SURROGATE = '\ud800';

/** Path segments (percent-encoded) that are not ids of ours. */
const BAD_PATH_IDS = [
  'a%2Fb',
  'a%5Cb',
  'a%23b',
  'a%3Fb',
  '%20%20%20',
  'a%20b',
  '_leading',
  'trailing.',
  'x'.repeat(201),
  '%C3%A9t%C3%A9',
  '%00',
  'a%0Ab',
];

/** Characters no id of ours, no enum value and no number has; a random value with one of them is always refused. */
const HOSTILE = ['/', '\\', '#', '?', ' ', '%', '\u00e9', '"', '<', '\u0001', '\u200b', '\ufffd'];
const PLAIN = 'aZ09_-.';

/** Random text of 1..`max` characters with at least one hostile character. */
function hostileText(random: () => number, max: number): string {
  const length = 1 + Math.floor(random() * max);
  const chars = Array.from({ length }, () =>
    random() < 0.3 ? HOSTILE[Math.floor(random() * HOSTILE.length)]! : PLAIN[Math.floor(random() * PLAIN.length)]!,
  );
  chars[Math.floor(random() * length)] = HOSTILE[Math.floor(random() * HOSTILE.length)]!;
  return chars.join('');
}

/** Values of a schema that the schema refuses (never `undefined`: a missing optional value is fine). */
function badValues(schema: Schema | undefined): unknown[] {
  if (!schema) return [];
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (variants) {
    const allowsNull = variants.some((v) => v.type === 'null');
    const allowed = (value: unknown) =>
      !(value === null && allowsNull) && !variants.some((v) => v.type === typeof value && !v.enum && !v.pattern);
    return variants.filter((v) => v.type !== 'null').flatMap((v) => badValues(v).filter(allowed));
  }
  const out: unknown[] = [];
  switch (schema.type) {
    case 'string':
      out.push(42, true, ['x'], `x${LONE_SURROGATE}`);
      if (schema.minLength >= 1) out.push('');
      if (typeof schema.maxLength === 'number') out.push('x'.repeat(schema.maxLength + 1));
      if (schema.enum) out.push('not-one-of-these', String(schema.enum[0]).toUpperCase() + '!');
      if (schema.pattern) out.push('a/b', 'a#b', '   ', LONE_SURROGATE, '..');
      if (schema.format === 'date-time') out.push('2026-02-30T00:00:00Z');
      if (schema.format === 'date') out.push('2026-02-30');
      break;
    case 'integer':
    case 'number':
      out.push('12', null, {});
      if (schema.type === 'integer') out.push(1.5);
      if (typeof schema.minimum === 'number') out.push(schema.minimum - 1);
      if (typeof schema.maximum === 'number') out.push(schema.maximum + 1);
      break;
    case 'boolean':
      out.push('true', 1, null);
      break;
    case 'array': {
      out.push('x', { 0: 'x' });
      const item = badValues(schema.items)[0];
      if (item !== undefined) out.push([item]);
      if (typeof schema.maxItems === 'number') out.push(Array.from({ length: schema.maxItems + 1 }, (_, i) => `x${i}`));
      break;
    }
    case 'object':
      out.push('x', [], 7);
      if (schema.additionalProperties === false) out.push({ unexpectedField: true });
      break;
    default:
      if (schema.enum) out.push('not-one-of-these');
  }
  return out;
}

/** Query values (strings on the wire) that a parameter's schema refuses. */
function badQueryValues(name: string, schema: Schema, cursors: string[]): string[] {
  if (name === 'cursor') return cursors;
  const out: string[] = [];
  if (schema.type === 'integer') out.push('0x10', '1e1', '16.0', '-1', ' 16', 'abc', '99999999999');
  if (typeof schema.minimum === 'number') out.push(String(schema.minimum - 1));
  if (typeof schema.maximum === 'number') out.push(String(schema.maximum + 1));
  const strings = [schema, ...((schema.anyOf ?? []) as Schema[])].filter((s) => s.type === 'string');
  for (const s of strings) {
    if (s.enum) out.push('not-one-of-these');
    if (s.pattern) out.push('a/b', '   ', 'a#b', 'x'.repeat(201));
    if (typeof s.maxLength === 'number') out.push('x'.repeat(s.maxLength + 1));
    if (s.format === 'date-time') out.push('2026-02-30T00:00:00Z', 'yesterday');
  }
  if (name === 'from' || name === 'to') out.push('2026-02-30', '2026-13-01', 'yesterday');
  return [...new Set(out)];
}

interface Operation {
  id: string;
  method: string;
  template: string;
  pathParams: { name: string; schema: Schema }[];
  queryParams: { name: string; schema: Schema }[];
  body?: { type: string; schema: Schema };
  html: boolean;
}

function operationsOf(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = ((op.parameters ?? []) as Schema[]).filter((p) => !p.$ref);
      const content = op.requestBody?.content as Record<string, Schema> | undefined;
      const [bodyType, bodyContent] = content ? Object.entries(content)[0]! : [];
      const success = Object.values(op.responses as Record<string, Schema>)[0];
      out.push({
        id: String(op.operationId),
        method: method.toUpperCase(),
        template: path.replace(/^\/api/, ''),
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: bodyType ? { type: bodyType, schema: bodyContent?.schema ?? {} } : undefined,
        html: Boolean(success?.content?.['text/html']),
      });
    }
  }
  return out;
}

/** Real values for path parameters (the fixture's own resources), so only the one bad part of a case is wrong. */
export type PathValues = Record<string, string>;

function fillPath(template: string, values: PathValues, override?: { name: string; raw: string }): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    override?.name === name ? override.raw : encodeURIComponent(values[name] ?? `missing_${name}`),
  );
}

const json = (value: unknown) => JSON.stringify(value);
const INVALID_UTF8 = Uint8Array.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]); // {"n":"\xc3("}

/** Random bad cases of one operation: hostile ids, query values and body texts (a longer run sends many more). */
function randomCasesOf(op: Operation, values: PathValues, random: () => number, count: number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const path = fillPath(op.template, values);
  for (let i = 0; i < count; i++) {
    const text = hostileText(random, random() < 0.9 ? 40 : 400);
    const pick = random();
    const param = op.pathParams.find((p) => !p.schema.enum);
    const query = op.queryParams.filter((p) => p.schema.pattern || p.schema.enum || p.schema.type === 'integer');
    const props = Object.keys((op.body?.type === 'application/json' && op.body.schema.properties) || {});
    const base = { operation: op.id, method: op.method, headers: {} as Record<string, string> };
    if (param && pick < 0.4) {
      const raw = encodeURIComponent(text);
      out.push({
        ...base,
        path: fillPath(op.template, values, { name: param.name, raw }),
        what: `params.${param.name} = ${JSON.stringify(text)}`,
      });
    } else if (query.length && pick < 0.7) {
      const q = query[Math.floor(random() * query.length)]!;
      out.push({
        ...base,
        path: `${path}?${new URLSearchParams({ [q.name]: text })}`,
        what: `query.${q.name} = ${JSON.stringify(text)}`,
        field: `query.${q.name}`,
      });
    } else if (props.length) {
      const prop = props[Math.floor(random() * props.length)]!;
      const body = JSON.stringify({ [prop]: `${text}${LONE_SURROGATE}` });
      out.push({
        ...base,
        path,
        body,
        headers: { 'content-type': 'application/json' },
        what: `body.${prop} = ${JSON.stringify(text)} + a lone surrogate`,
        field: `body.${prop}`,
      });
    }
  }
  return out;
}

/** Every bad case of one operation. */
function casesOf(op: Operation, values: PathValues, cursors: string[]): FuzzCase[] {
  const out: FuzzCase[] = [];
  const base = (what: string, extra: Partial<FuzzCase> = {}): FuzzCase => ({
    operation: op.id,
    method: op.method,
    path: fillPath(op.template, values),
    headers: {},
    what,
    ...extra,
  });
  for (const param of op.pathParams) {
    const raws = param.schema.enum ? ['GOOGLE', 'not-a-provider', 'a%2Fb'] : BAD_PATH_IDS;
    for (const raw of raws) {
      out.push(
        base(`params.${param.name} = "${decodeURIComponentSafe(raw).slice(0, 40)}"`, {
          path: fillPath(op.template, values, { name: param.name, raw }),
        }),
      );
    }
    // An id of our shape that does not exist: a 404, never a 5xx.
    if (!param.schema.enum)
      out.push(
        base(`params.${param.name} is well formed but unknown`, {
          path: fillPath(op.template, values, { name: param.name, raw: 'zz_fuzz_unknown_0' }),
          refusalOptional: param.schema.pattern === undefined,
        }),
      );
  }
  for (const param of op.queryParams) {
    for (const value of badQueryValues(param.name, param.schema, cursors)) {
      const search = new URLSearchParams({ [param.name]: value }).toString();
      out.push(base(`query.${param.name} = "${value.slice(0, 40)}"`, { path: `${base('').path}?${search}` }));
    }
  }
  if (op.body) {
    const type = op.body.type;
    const send = (what: string, body: string | Uint8Array, field?: string, contentType = type) =>
      out.push(base(what, { body, headers: { 'content-type': contentType }, field }));
    send('body is not JSON', '{"unfinished": ', type === 'application/json' ? 'body' : undefined);
    send('body is not UTF-8', INVALID_UTF8, 'body');
    send('body has the wrong media type', '{}', undefined, 'text/plain');
    if (type === 'application/json') {
      send('body is an array', '[]', 'body');
      send('body is a string', '"x"', 'body');
      send('body nests 5000 levels', '['.repeat(5000) + ']'.repeat(5000), 'body');
      send('a key is a lone surrogate', `{"\\ud800": 1}`, 'body');
      const properties = (op.body.schema.properties ?? {}) as Record<string, Schema>;
      for (const [name, schema] of Object.entries(properties)) {
        for (const value of badValues(schema)) {
          send(`body.${name} = ${json(value).slice(0, 50)}`, json({ [name]: value }), `body.${name}`);
        }
      }
    }
  }
  if (op.method !== 'GET') {
    // Garbage versions never match (412 or another refusal); `*` on an unknown resource is a 404, not a 412.
    const garbage =
      op.method === 'POST' ? ['"\u00e9t\u00e9"'] : ['"\u00e9t\u00e9"', 'garbage', '"00000000-stale"', 'W/"x", "y"'];
    for (const tag of garbage) out.push(base(`If-Match: ${tag}`, { headers: { 'if-match': tag } }));
    const id = op.pathParams.find((p) => !p.schema.enum);
    if (id) {
      out.push(
        base('If-Match: * on an unknown resource', {
          path: fillPath(op.template, values, { name: id.name, raw: 'zz_fuzz_unknown_0' }),
          headers: { 'if-match': '*' },
          refusalOptional: true,
        }),
      );
    }
  }
  return out;
}

function decodeURIComponentSafe(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Why an answer to a bad request is wrong, or undefined when it is right. */
function judge(c: FuzzCase, op: Operation, status: number, type: string, body: string): string | undefined {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return c.refusalOptional ? undefined : `accepted (${status})`;
  if (c.headers['if-match'] === '*' && status === 412) return '`If-Match: *` answered 412';
  if (op.html && type.startsWith('text/html')) return undefined;
  if (type !== 'application/problem+json') return `answered ${status} as "${type}", not problem+json`;
  let problem: Schema;
  try {
    problem = JSON.parse(body) as Schema;
  } catch {
    return 'problem+json that is not JSON';
  }
  if (!problem.type || !problem.title || !problem.detail || problem.status !== status) return 'incomplete problem';
  if (status === 400 && c.field) {
    const paths = ((problem.errors ?? []) as { path: string }[]).map((e) => e.path);
    if (!paths.some((p) => p === c.field || p.startsWith(`${c.field}.`) || p.startsWith(`${c.field}[`)))
      return `400 without the field ${c.field} (named: ${paths.join(', ') || 'none'})`;
  }
  return undefined;
}

/** Ids and ETags of every document of a tenant: equal before and after means nothing was changed. */
async function fingerprint(services: Services, tenantId: string): Promise<string> {
  const out: string[] = [];
  for (const name of TENANT_CONTAINERS) {
    const container = await services.cosmos().container(name);
    const { resources } = await container.items
      .query<{ id: string; _etag: string }>(
        { query: 'SELECT c.id, c._etag FROM c WHERE c.tenantId = @t', parameters: [{ name: '@t', value: tenantId }] },
        { partitionKey: tenantId },
      )
      .fetchAll();
    out.push(...resources.map((r) => `${name}/${r.id}@${r._etag}`));
  }
  return out.sort().join('\n');
}

export interface FuzzTarget {
  platform: LocalPlatform;
  token: string;
  tenantId: string;
  values: PathValues;
  /** Cursors that must be refused: tampered, overlong, made up, another list's, another person's. */
  badCursors: string[];
}

/**
 * Sends up to `maxRequests` bad requests (spread over every operation, chosen by `seed`) and reports every answer that
 * was a 5xx, not a refusal, not problem+json, a 400 that does not name the field, or a refused request that changed
 * the person's data.
 */
export async function fuzzApi(target: FuzzTarget, seed: number, maxRequests: number): Promise<FuzzReport> {
  const { platform, token } = target;
  const random = randomSource(seed);
  const doc = (await (await platform.api('/openapi.json')).json()) as Schema;
  const operations = operationsOf(doc);
  // Each operation's fixed cases plus random ones, enough to fill the budget; the seed decides order and values.
  const randomCount = Math.ceil(maxRequests / operations.length);
  const perOperation = operations.map((op) =>
    shuffle(
      [...casesOf(op, target.values, target.badCursors), ...randomCasesOf(op, target.values, random, randomCount)],
      random,
    ),
  );
  // Round robin over the operations, so a small budget still reaches every one.
  const chosen = new Map<Operation, FuzzCase[]>(operations.map((op) => [op, []]));
  for (let round = 0, taken = 0; taken < maxRequests; round++) {
    let any = false;
    for (const [i, op] of operations.entries()) {
      const next = perOperation[i]![round];
      if (!next || taken >= maxRequests) continue;
      chosen.get(op)!.push(next);
      taken++;
      any = true;
    }
    if (!any) break;
  }
  const started = performance.now();
  const report: FuzzReport = {
    seed,
    requests: 0,
    operations: operations.length,
    statuses: {},
    findings: [],
    durationMs: 0,
  };
  const services = createServices(loadSettings(platform.settings));
  const erasing = (op: Operation) => op.method === 'DELETE' && op.template === '/me';
  for (const [op, cases] of chosen) {
    const changing = op.method !== 'GET';
    const before = changing ? await fingerprint(services, target.tenantId) : '';
    let allRefused = true;
    for (const c of erasing(op) ? cases.filter((x) => x.headers['if-match'] !== '*') : cases) {
      const res = await platform.api(c.path, {
        method: c.method,
        token: op.html ? undefined : token,
        headers: c.headers,
        body: c.body,
        redirect: 'manual',
      });
      const text = await res.text();
      report.requests++;
      report.statuses[String(res.status)] = (report.statuses[String(res.status)] ?? 0) + 1;
      if (res.status < 400) allRefused = false;
      const problem = judge(c, op, res.status, res.headers.get('content-type') ?? '', text);
      if (problem) report.findings.push({ case: c, status: res.status, problem });
    }
    if (changing && allRefused) {
      const after = await fingerprint(services, target.tenantId);
      if (after !== before) {
        report.findings.push({
          case: { operation: op.id, method: op.method, path: op.template, headers: {}, what: 'its refused requests' },
          status: 0,
          problem: "a refused request changed the person's data",
        });
      }
    }
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/** One line per finding, for test messages and the script's output. */
export function describeFindings(report: FuzzReport): string {
  return report.findings
    .map((f) => `${f.case.method} ${f.case.path.slice(0, 120)} [${f.case.what}] -> ${f.status}: ${f.problem}`)
    .join('\n');
}
