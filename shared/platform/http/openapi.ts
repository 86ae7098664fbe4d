import { z } from 'zod';
import { listOperations, type OperationDoc } from './openapi-registry';
import { API_SCOPES } from './scopes';

/** The problem document every error response carries (RFC 9457). */
const problemSchema = z
  .object({
    type: z.string().url(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    correlationId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    limit: z.string().optional(),
    used: z.number().optional(),
    max: z.number().optional(),
    resetsAt: z.string().optional(),
  })
  .passthrough();

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** "agents/{agentId:guid}" or "{id?}" → "/api/agents/{agentId}". */
export function openApiPath(route: string, prefix = 'api'): string {
  const clean = route.replace(/\{(\*?)(\w+)(?::[^}]*)?\??\}/g, '{$2}').replace(/^\/+/, '');
  return `/${prefix}/${clean}`;
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query', route: string): unknown[] {
  const names = location === 'path' ? [...route.matchAll(/\{\*?(\w+)/g)].map((m) => m[1]!) : [];
  const js = schema ? jsonSchema(schema, 'input') : {};
  const props = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  const keys = location === 'path' ? [...new Set([...names, ...Object.keys(props)])] : Object.keys(props);
  return keys.map((name) => {
    const prop = props[name] ?? { type: 'string' };
    return {
      name,
      in: location,
      required: location === 'path' ? true : required.has(name) && prop.default === undefined,
      ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
      schema: prop,
    };
  });
}

const problemRef = { $ref: '#/components/responses/Problem' };

function responses(op: OperationDoc): Record<string, unknown> {
  const success: Record<string, unknown> = { description: op.summary };
  if (op.response) success.content = { 'application/json': { schema: jsonSchema(op.response, 'output') } };
  else if (op.produces) success.content = { [op.produces]: {} };
  const out: Record<string, unknown> = { [String(op.successStatus)]: success };
  if (op.params || op.query || op.body) out['400'] = problemRef;
  if (op.auth === 'user') {
    out['401'] = problemRef;
    out['403'] = problemRef;
  }
  if (op.route.includes('{')) out['404'] = problemRef;
  if (op.method === 'PATCH' || op.method === 'PUT' || op.method === 'DELETE') out['412'] = problemRef;
  if (op.body) {
    out['411'] = problemRef;
    out['413'] = problemRef;
    out['415'] = problemRef;
  }
  if (op.auth === 'user') out['429'] = problemRef;
  out['500'] = problemRef;
  return out;
}

/** Builds the OpenAPI 3.1 document from every operation registered through `httpRoute`. */
export function buildOpenApiDocument(info: { title: string; version: string; serverUrl: string; issuer: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of listOperations()) {
    const path = openApiPath(op.route);
    const operation: Record<string, unknown> = {
      operationId: op.name,
      summary: op.summary,
      tags: op.tags,
      parameters: [
        ...parameters(op.params, 'path', op.route),
        ...parameters(op.query, 'query', op.route),
        { $ref: '#/components/parameters/CorrelationId' },
        ...(op.method === 'PATCH' || op.method === 'PUT' || op.method === 'DELETE'
          ? [{ $ref: '#/components/parameters/IfMatch' }]
          : []),
      ],
      responses: responses(op),
      // Either the person's sign-in, or (where the route names a scope) an access token with that scope.
      security: op.auth === 'user' ? [{ bearer: [] }, ...(op.scope ? [{ accessToken: [op.scope] }] : [])] : [],
      ...(op.auth === 'user' ? { 'x-token-scope': op.scope ?? null } : {}),
    };
    if (op.body) {
      const type = op.bodyFormat === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      operation.requestBody = { required: true, content: { [type]: { schema: jsonSchema(op.body, 'input') } } };
    }
    (paths[path] ??= {})[op.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Errors are application/problem+json (RFC 9457). Lists take ?limit=1..100 and an opaque ?cursor and answer ' +
        '{ items, nextCursor }. Reads return ETag; updates honour If-Match (412 when stale). Limits answer 429 with type ' +
        '.../limit-exceeded, the limit, used, max and resetsAt (a refused pack install also: needed, available).',
    },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `OIDC access token from ${info.issuer} (issuer, audience, signature, expiry and not-before are checked).`,
        },
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'pap_…',
          description:
            'A personal access token (POST /api/tokens, with your sign-in). Each operation lists the scope it needs ' +
            `(${API_SCOPES.join(', ')}); operations without one (x-token-scope: null) take only your sign-in. ` +
            'A missing scope answers 403 insufficient-scope.',
        },
      },
      parameters: {
        CorrelationId: {
          name: 'x-correlation-id',
          in: 'header',
          required: false,
          description: 'Echoed in the response and in every log line and audit record of the request.',
          schema: { type: 'string', pattern: '^[\\w.:-]{1,128}$' },
        },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'The ETag of the version you read; a stale one answers 412.',
          schema: { type: 'string' },
        },
      },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
      responses: {
        Problem: {
          description: 'An error (RFC 9457 problem details)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
  };
}
