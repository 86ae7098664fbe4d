import type { Server } from 'node:net';

/** True for the error a listen() gets when its port is taken. */
export function isPortTaken(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/**
 * Binds `server` to `port` on `host` (0 = a free port the system picks) and resolves to the port actually bound.
 * The port is held from the moment it is known, so nothing can take it between choosing and binding.
 */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Binds a service's listeners: `bind` is called with the ports to try (0 = any free port) and resolves to the ports
 * it actually bound. When a wanted port is taken (EADDRINUSE), it is called once more with 0 for every port.
 */
export async function bindPorts<K extends string>(
  first: Record<K, number>,
  bind: (ports: Record<K, number>) => Promise<Record<K, number>>,
): Promise<Record<K, number>> {
  try {
    return await bind(first);
  } catch (err) {
    const anyPorts = Object.fromEntries(Object.keys(first).map((k) => [k, 0])) as Record<K, number>;
    if (!isPortTaken(err) || Object.values<number>(first).every((p) => p === 0)) throw err;
    return bind(anyPorts);
  }
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
