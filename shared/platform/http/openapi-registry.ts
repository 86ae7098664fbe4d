import type { ApiScope } from './scopes';
import type { z } from 'zod';

/** What the OpenAPI document needs to know about one operation. Filled in by `httpRoute`. */
export interface OperationDoc {
  name: string;
  method: string;
  /** The Functions route template without the prefix, e.g. "agents/{agentId}". */
  route: string;
  summary: string;
  tags: string[];
  auth: 'user' | 'none';
  /** The personal access token scope the operation accepts; none: the person's sign-in only. */
  scope?: ApiScope;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  bodyFormat: 'json' | 'form';
  response?: z.ZodType;
  successStatus: number;
  /** Content type of a non-JSON success response (HTML pages, redirects). */
  produces?: string;
}

const operations: OperationDoc[] = [];

export function registerOperation(doc: OperationDoc): void {
  operations.push(doc);
}

export function listOperations(): readonly OperationDoc[] {
  return operations;
}
