import { createServer } from 'node:net';

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(chosen));
    });
  });
}

/** A free loopback port: `preferred` when it is free, any free one otherwise. */
export async function freePort(preferred?: number): Promise<number> {
  if (preferred) {
    const port = await tryListen(preferred);
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new Error('No free port on 127.0.0.1.');
  return port;
}

/** True when `url` (or host) points at this machine. */
export function isLoopback(urlOrHost: string | undefined): boolean {
  if (!urlOrHost) return false;
  let host = urlOrHost;
  try {
    host = new URL(urlOrHost).hostname;
  } catch {
    // a bare host name
  }
  host = host.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
