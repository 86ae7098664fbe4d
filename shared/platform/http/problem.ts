import type { HttpResponseInit } from '@azure/functions';
import { AppError, PROBLEM_BASE } from '../errors';
import { EXPOSED_HEADERS } from './responses';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  correlationId: string;
  [extension: string]: unknown;
}

/** Maps any thrown value to a problem document. Unknown errors become a 500 with no internals. */
export function toProblem(err: unknown, correlationId: string): { problem: Problem; headers: Record<string, string> } {
  if (err instanceof AppError) {
    return {
      problem: {
        type: PROBLEM_BASE + err.type,
        title: err.title,
        status: err.status,
        detail: err.detail,
        correlationId,
        ...err.extensions,
      },
      headers: err.headers,
    };
  }
  return {
    problem: {
      type: PROBLEM_BASE + 'internal',
      title: 'Something went wrong on our side',
      status: 500,
      detail: `The request failed unexpectedly. Quote ${correlationId} if you contact support.`,
      correlationId,
    },
    headers: {},
  };
}

export function problemResponse(err: unknown, correlationId: string): HttpResponseInit {
  const { problem, headers } = toProblem(err, correlationId);
  return {
    status: problem.status,
    headers: {
      ...headers,
      ...EXPOSED_HEADERS,
      'content-type': 'application/problem+json',
      'x-correlation-id': correlationId,
    },
    body: JSON.stringify(problem),
  };
}
