import { availableParallelism, loadavg } from 'node:os';

/**
 * How many times slower than an idle machine this one runs now: the run queue per core (1-minute load average), at
 * least 1 and at most 10. A deadline is how long a wait may take on an idle machine; when other work shares the
 * cores (another suite, a build), the same work takes longer, and the deadline stretches with it instead of failing.
 */
function slowdown(): number {
  return Math.min(10, Math.max(1, loadavg()[0]! / availableParallelism()));
}

/** `ms` of an idle machine in this machine's time now: for deadlines passed to other tools (a browser's waits). */
export const patience = (ms: number) => Math.round(ms * slowdown());

/**
 * Polls `read` until `done` holds, or fails with the last value or error once `timeoutMs` (idle-machine time,
 * stretched by `slowdown()` while the machine is busy) has passed.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  let lastError: unknown;
  let delay = 50;
  while (Date.now() - started < patience(timeoutMs)) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 500);
  }
  throw new Error(
    `timed out after ${Math.round((Date.now() - started) / 1000)} s waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 3000)} ${lastError ? String(lastError) : ''}`,
  );
}
