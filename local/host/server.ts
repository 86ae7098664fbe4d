/**
 * The runtime's one HTTP port. Requests go, in order, to: the app's HTTP functions under the route prefix, the
 * Durable HTTP API (/runtime/webhooks/durabletask/*), the broker's API (/runtime/broker*), the embedded services'
 * routes (e.g. /dev/*), and finally the built web app. Until the app has started every request gets 503.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface RequestRouter {
  (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export interface RuntimeServer {
  server: Server;
  port: number;
  /** Starts routing requests (before this, 503). */
  ready(router: RequestRouter): void;
  /** Stops accepting connections and waits (up to `timeoutMs`) for requests in progress. */
  close(timeoutMs: number): Promise<void>;
}

export async function listenRuntimeServer(
  port: number,
  host: string,
  log: (msg: string) => void,
): Promise<RuntimeServer> {
  let router: RequestRouter | undefined;
  let closing = false;
  const active = new Set<Promise<void>>();
  const sockets = new Set<Socket>();

  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    if (closing) res.setHeader('connection', 'close');
    if (!router) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' })
        .end('The local runtime is starting.');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? `localhost:${port}`}`);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('The request address is not valid.');
      return;
    }
    const job = router(req, res, url)
      .catch((err) => {
        log(`Request ${req.method} ${req.url} failed: ${(err as Error)?.stack ?? String(err)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
        res.end();
      })
      .finally(() => active.delete(job));
    active.add(job);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`Port ${port} is already in use: stop what uses it or pass --port <n>.`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;

  return {
    server,
    port: actualPort,
    ready(r) {
      router = r;
    },
    async close(timeoutMs) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.race([Promise.allSettled([...active]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
