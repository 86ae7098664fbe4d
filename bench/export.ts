/**
 * Memory while exporting: a tenant with DOCUMENTS documents (about 1 KB each, in the local runtime's embedded
 * Cosmos-API server) is exported by the export's own writing step (`exports().write`, what the background activity
 * runs), in this process, on the runtime's stores, while this process's memory is sampled. Prints the export's size,
 * the time it took, and the peak heap growth and peak RSS growth over the baseline: a streamed export holds one page
 * and a few upload blocks at a time, so both stay flat however large the export is.
 *
 *   npm run bench:export                 # DOCUMENTS=20000 by default
 */
import { startLocalPlatform } from '../local/testing';
import { createServices } from '../shared/app/services';
import { loadSettings } from '../shared/platform/config';
import { mapLimited } from '../shared/platform/pool';

const DOCUMENTS = Number(process.env.DOCUMENTS ?? 20_000);
const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const platform = await startLocalPlatform({ services: ['cosmos', 'azurite', 'dev-oidc'] });
  try {
    const services = createServices(loadSettings(platform.settings));
    const token = await platform.token('export-bench@bench.test', 'Bench');
    const me = (await (await platform.api('/me', { token })).json()) as { tenantId: string };
    const tenantId = me.tenantId;

    // A first, small export loads the SDKs and warms the clients, so the measured one counts only its own memory.
    const exportOnce = async () => {
      const { view } = await services
        .exports()
        .request(tenantId, { actorId: 'bench', source: 'system' }, async () => undefined);
      return {
        view,
        write: () => services.exports().write({ tenantId, exportId: view.id, expiresAt: view.expiresAt }, {}),
      };
    };
    await (await exportOnce()).write();

    console.log(`Seeding ${DOCUMENTS} documents…`);
    const suggestions = await services.cosmos().container('suggestions');
    const text = 'Thanks for the update, I will look at the figures and get back to you before Friday. '.repeat(9);
    await mapLimited(
      Array.from({ length: DOCUMENTS }, (_, i) => i),
      32,
      (i) =>
        suggestions.items.create({
          id: `bench-${i}`,
          tenantId,
          type: 'suggestion',
          status: 'pending',
          createdAt: new Date().toISOString(),
          title: `Reply to message ${i}`,
          preview: { body: text },
        }),
    );

    const { view, write } = await exportOnce();
    gc?.();
    const base = process.memoryUsage();
    let peakHeap = base.heapUsed;
    let peakRss = base.rss;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakRss = Math.max(peakRss, now.rss);
    }, 10);
    const started = performance.now();
    const status = await write();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const done = await services.exports().status(tenantId, view.id);
    if (status !== 'ready' || done.size === undefined) throw new Error(`export ended ${status}`);

    const documents = Object.values(done.documents ?? {}).reduce((a, b) => a + b, 0);
    console.log(`\nExport of ${documents} documents: ${(done.size / MB).toFixed(1)} MB in ${seconds.toFixed(1)} s`);
    console.log(
      `peak heap growth: ${((peakHeap - base.heapUsed) / MB).toFixed(1)} MB, ` +
        `peak RSS growth: ${((peakRss - base.rss) / MB).toFixed(1)} MB ` +
        `(${((100 * (peakRss - base.rss)) / done.size).toFixed(0)}% of the export's size)` +
        (gc ? '' : ' [run with --expose-gc for a steadier baseline]'),
    );
  } finally {
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
