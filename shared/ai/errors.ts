import { AppError } from '../platform/errors';

/** The model's answer still did not match the output schema after one repair attempt. */
export class StructuredOutputError extends AppError {
  constructor(taskId: string) {
    super(
      502,
      'model-output',
      'The model gave an unusable answer',
      `The model's answer for "${taskId}" did not follow the expected format, even after a retry.`,
    );
  }
}

/** The model provider failed (after retries) or timed out. */
export class ModelUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'model-unavailable', 'The AI model is unavailable', detail);
  }
}

/** Details a provider error may carry (the openai SDK's APIError has `status` and `headers`). */
export interface ProviderFailure {
  status?: number;
  headers?: Headers | Record<string, string>;
  name?: string;
  message?: string;
}

/** 408, 409 (lock), 429 and 5xx are worth retrying; so are timeouts and dropped connections. */
export function isRetryable(err: ProviderFailure): boolean {
  if (typeof err.status === 'number')
    return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
  return /timeout|timed out|abort|ECONNRESET|ECONNREFUSED|socket|connection/i.test(`${err.name} ${err.message}`);
}
