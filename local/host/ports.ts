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

const handedOut = new Set<number>();
let queue: Promise<unknown> = Promise.resolve();

async function pick(preferred?: number): Promise<number> {
  if (preferred && !handedOut.has(preferred)) {
    const port = await tryListen(preferred);
    if (port) return port;
  }
  // Below Linux's ephemeral range (32768+), so outgoing connections of busy processes do not take it before use.
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(candidate)) continue;
    const port = await tryListen(candidate);
    if (port) return port;
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await tryListen(0);
    if (port && !handedOut.has(port)) return port;
  }
  throw new Error('No free port on 127.0.0.1.');
}

/**
 * A free loopback port: `preferred` when it is free, any free one otherwise. Calls are serialised and a port is
 * never handed out twice by this process, so services starting side by side cannot get the same one.
 */
export function freePort(preferred?: number): Promise<number> {
  const next = queue.then(() => pick(preferred)).then((port) => {
    handedOut.add(port);
    return port;
  });
  queue = next.catch(() => undefined);
  return next;
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
