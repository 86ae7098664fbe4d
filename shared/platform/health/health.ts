import type { Clock } from '../clock';

/** One component's health, as reported by GET /api/health. */
export interface ComponentHealth {
  status: 'ok' | 'degraded' | 'down';
  latencyMs: number;
  /** A fixed phrase (never the error's own text, which can name hosts, keys or paths). */
  detail?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  /** When the checks ran (the report is reused for a few seconds). */
  checkedAt: string;
  components: Record<string, ComponentHealth>;
}

export type HealthCheck = () => Promise<void>;

class CheckTimedOut extends Error {}

async function timed(
  name: string,
  check: HealthCheck,
  timeoutMs: number,
  onFailure: (component: string, err: unknown) => void,
): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimedOut()), timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    onFailure(name, err);
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      detail: err instanceof CheckTimedOut ? `no answer within ${timeoutMs} ms` : 'the check failed',
    };
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthMonitorDeps {
  clock: Clock;
  /** How long a report is reused (probes and bursts of callers then cost the dependencies nothing). */
  cacheMs: number;
  timeoutMs?: number;
}

/** Told a failed check's own error (for the log; the report never shows it). */
export type OnCheckFailure = (component: string, err: unknown) => void;

export interface HealthMonitor {
  /** The last report if younger than `cacheMs`, else runs `checks` (once, however many callers wait on it). */
  report(checks: Record<string, HealthCheck>, onFailure?: OnCheckFailure): Promise<HealthReport>;
}

/** Runs the checks in parallel; overall status is `ok` only if all components are. */
export function createHealthMonitor(deps: HealthMonitorDeps): HealthMonitor {
  const timeoutMs = deps.timeoutMs ?? 5000;
  let last: { report: Promise<HealthReport>; until: number } | undefined;

  async function run(checks: Record<string, HealthCheck>, onFailure: OnCheckFailure): Promise<HealthReport> {
    const checkedAt = deps.clock.now().toISOString();
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => timed(name, checks[name]!, timeoutMs, onFailure)));
    const components = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const status = results.every((r) => r.status === 'ok') ? 'ok' : 'degraded';
    return { status, checkedAt, components };
  }

  return {
    report(checks, onFailure = () => undefined) {
      const now = deps.clock.now().getTime();
      if (last && now < last.until) return last.report;
      const report = run(checks, onFailure);
      last = { report, until: now + deps.cacheMs };
      // Counted from when the checks finish, so a slow check is not repeated at once; a failure is looked at again
      // after a second (a dependency that comes back shows soon, and start-up probes do not wait on a stale failure).
      void report.then((done) => {
        const keepMs = done.status === 'ok' ? deps.cacheMs : Math.min(deps.cacheMs, 1_000);
        if (last?.report === report) last.until = deps.clock.now().getTime() + keepMs;
      });
      return report;
    },
  };
}
