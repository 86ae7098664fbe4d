/** What the event benchmarks share: percentiles and waiting for a mail's suggestion to be listed. */
import { eventually } from '../test/support/platform';
import type { EventsWorld } from '../test/events/support';

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

export async function suggestionAbout(w: EventsWorld, messageId: string): Promise<void> {
  await eventually(
    () => w.p.json<{ items: { sources: { id: string }[] }[] }>('/suggestions?limit=100', { token: w.person.token }),
    (r) => r.status === 200 && r.body.items.some((s) => s.sources.some((src) => src.id === messageId)),
    `a suggestion about ${messageId}`,
    120_000,
  );
}
