/** One component's health, as reported by GET /api/health. */
export interface ComponentHealth {
  status: 'ok' | 'degraded' | 'down';
  latencyMs: number;
  detail?: string;
}

export type HealthCheck = () => Promise<void>;

async function timed(check: HealthCheck, timeoutMs: number): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // Only the error message: it names what failed, never credentials.
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      detail: (err as Error).message.slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check in parallel; overall status is `ok` only if all components are. */
export async function checkHealth(checks: Record<string, HealthCheck>, timeoutMs = 5000) {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => timed(checks[name]!, timeoutMs)));
  const components = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
  const status = results.every((r) => r.status === 'ok') ? 'ok' : 'degraded';
  return { status, components } as { status: 'ok' | 'degraded'; components: Record<string, ComponentHealth> };
}
