import type { ConnectorHub } from '../connectors/types';
import { mapLimited } from '../platform/pool';
import { familyOf, type ChangeProbe } from './change-probe';
import type { ChangeSignals } from './change-signals';
import type { OrchestrationLauncher } from './coalescer';
import type { PollEntry, TriggerIndex } from './trigger-index';

export interface PollerDeps {
  triggers: () => TriggerIndex;
  connectors: () => ConnectorHub;
  probe: () => ChangeProbe;
  signals: () => ChangeSignals;
  /** `EVENT_POLL_SECONDS`: how often each watched source is asked what changed. */
  pollSeconds: number;
  /** Sources probed at once. */
  concurrency: number;
  /** Entries taken per tick (the rest are due at the next tick). */
  batch: number;
  /**
   * Asks the provider to push this source's changes too, on the first look at an account's source (push receivers
   * then call the same seam sooner; polling goes on). Failures are the push side's to report.
   */
  startPush?: (tenantId: string, connectorId: string, source: PollEntry['source']) => Promise<unknown>;
}

export interface PollReport {
  polled: number;
  changed: number;
  started: number;
  failures: number;
}

/**
 * One poll tick: one indexed query for the sources due, then for each (at most `concurrency` at once) one cheap look
 * at the connected account; a change goes through the same seam as a push notification. Only due entries are read:
 * no tenant without a watched source, and none before its time.
 */
export async function runPollTick(deps: PollerDeps, now: Date, launcher: OrchestrationLauncher): Promise<PollReport> {
  const report: PollReport = { polled: 0, changed: 0, started: 0, failures: 0 };
  const due = await deps.triggers().due(now, deps.batch);
  const next = new Date(now.getTime() + deps.pollSeconds * 1000);
  await mapLimited(due, deps.concurrency, async (entry: PollEntry) => {
    report.polled += 1;
    let cursor = entry.cursor;
    try {
      const connector = await deps.connectors().find(entry.tenantId, familyOf(entry.source));
      if (connector && connector.health === 'ok') {
        const known = cursor?.connectorId === connector.id ? cursor.value : null;
        if (known === null) await deps.startPush?.(entry.tenantId, connector.id, entry.source).catch(() => undefined);
        const seen = await deps.probe().probe(entry.tenantId, connector.id, entry.source, known);
        if (seen.changed) {
          report.changed += 1;
          const result = await deps.signals().signal(
            {
              tenantId: entry.tenantId,
              connectorId: connector.id,
              source: entry.source,
              cursorHint: seen.cursor,
              dedupeKey: `poll:${connector.id}:${entry.source}:${seen.cursor}`,
            },
            launcher,
          );
          report.started += result.started.length;
        }
        cursor = { connectorId: connector.id, value: seen.cursor };
      }
    } catch {
      // The account did not answer (or the change could not be handled): the cursor stays, the next poll retries.
      report.failures += 1;
    }
    await deps.triggers().advance(entry, next, cursor, now);
  });
  return report;
}
