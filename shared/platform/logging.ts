import { redact } from './audit/redact';
import { redactText } from './telemetry';

/** Where log lines go: an InvocationContext (the host forwards them to Application Insights) or the console. */
export interface LogSink {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** A logger whose every line carries the correlation id of the API call (or run) it belongs to. */
export interface Logger {
  readonly correlationId: string;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, error?: unknown, details?: Record<string, unknown>): void;
}

function errorSummary(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return { error: err.name, message: redactText(err.message), stack: err.stack ? redactText(err.stack) : undefined };
  }
  return { error: redactText(String(err)) };
}

function line(correlationId: string, message: string, details?: Record<string, unknown>, err?: unknown): string {
  const text = `[${correlationId}] ${redactText(message)}`;
  // Details: secret-looking fields are dropped by name, long values cut (the audit trail's rules). The error keeps its
  // whole stack (scrubbed of credentials) so a failure can be traced to its line.
  const fields = {
    ...(details ? (redact(details) as Record<string, unknown>) : {}),
    ...(err === undefined ? {} : errorSummary(err)),
  };
  return Object.keys(fields).length === 0 ? text : `${text} ${redactText(JSON.stringify(fields))}`;
}

/** Builds a logger for one request or run: `[<correlation id>] message {details}` with secrets redacted. */
export function createLogger(sink: LogSink, correlationId: string): Logger {
  return {
    correlationId,
    info: (message, details) => sink.log(line(correlationId, message, details)),
    warn: (message, details) => sink.warn(line(correlationId, message, details)),
    error: (message, err, details) => sink.error(line(correlationId, message, details, err)),
  };
}
