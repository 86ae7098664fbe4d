import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { createServices, type Services } from '../../shared/app/services';
import { loadSettings } from '../../shared/platform/config';
import type { Clock } from '../../shared/platform/clock';

/** A Cosmos-API server in this process, on a free port, and the app's services wired to it. */
export async function startServicesOnEmbeddedCosmos(
  extraSettings: Record<string, string> = {},
  clock?: Clock,
): Promise<{ services: Services; stop(): Promise<void> }> {
  const server = createHttpsServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const settings = loadSettings({
    APP_ENV: 'local',
    COSMOS_ENDPOINT: `https://127.0.0.1:${port}`,
    COSMOS_KEY: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==',
    COSMOS_TLS_INSECURE: 'true',
    COSMOS_CREATE_CONTAINERS: 'true',
    COSMOS_DATABASE: 'platform-test',
    ...extraSettings,
  });
  const services = createServices(settings, clock);
  return {
    services,
    async stop() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
