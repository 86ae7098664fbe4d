import { createChangeProbe } from '../../events/change-probe';
import { createChangeSignals } from '../../events/change-signals';
import { createCoalescer } from '../../events/coalescer';
import { createTriggerIndex } from '../../events/trigger-index';
import { createWatermarks } from '../../events/watermarks';
import { TERMINAL } from '../../orchestration/run-model';
import { lazy } from '../../platform/lazy';
import { NotFoundError } from '../../platform/errors';
import type { Services } from '../services-type';

/** Event triggers: the trigger and poll index, the change seam, coalescing, the poller's probe. */
export function wireEvents(
  root: Services,
): Pick<Services, 'triggers' | 'coalescer' | 'changeProbe' | 'changeSignals' | 'watermarks'> {
  const { settings, clock } = root;
  const now = () => clock.now();
  const triggers = lazy(() => createTriggerIndex(root.cosmos(), () => settings.EVENT_POLL_SECONDS));
  const coalescer = lazy(() =>
    createCoalescer({
      store: root.cosmos(),
      now,
      async runState(tenantId, runId) {
        const run = await root
          .runs()
          .get(tenantId, runId)
          .catch((err: unknown) => {
            if (err instanceof NotFoundError) return undefined;
            throw err;
          });
        return !run ? 'missing' : TERMINAL.includes(run.status) ? 'finished' : 'running';
      },
      async startRun(tenantId, target, run, launcher) {
        await root.runs().start(
          tenantId,
          {
            target,
            trigger: { type: 'event', slot: null, on: run.on },
            runId: run.runId,
            actorId: 'events',
            actorType: 'system',
            source: 'event',
            // As for schedules: the run is created, counted when it starts, and stops visibly at a limit.
            checkLimits: false,
          },
          launcher,
        );
      },
    }),
  );
  const changeProbe = lazy(() => createChangeProbe({ connectors: root.connectors, now }));
  const changeSignals = lazy(() =>
    createChangeSignals({
      store: root.cosmos(),
      now,
      triggers,
      coalescer,
      anyChangeMatches: (...args) => changeProbe().anyChangeMatches(...args),
      firstLookMinutes: 60,
    }),
  );
  const watermarks = lazy(() => createWatermarks({ store: root.cosmos(), now }));
  return { triggers, coalescer, changeProbe, changeSignals, watermarks };
}
