/**
 * The runtime's one HTTP port. Requests go, in order, to: the app's HTTP functions under the route prefix, the
 * Durable HTTP API (/runtime/webhooks/durabletask/*), the broker's API (/runtime/broker*), the embedded services'
 * routes (e.g. /dev/*), and finally the built web app. Until the app has started every request gets 503.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Kestrel's defaults, which the Functions host keeps (it only raises the body limit): a request line of at most 8 KB
 * (longer: 414), request headers of at most 32 KB in all and 100 in number (more: 431). Kestrel answers these, and
 * any request it cannot parse (400), with an empty body and `Connection: close`.
 */
const MAX_REQUEST_LINE_BYTES = 8 * 1024;
const MAX_HEADER_BYTES = 32 * 1024;
const MAX_HEADER_COUNT = 100;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/** 414 or 431 when a parsed request is over Kestrel's limits, else undefined. */
function overLimits(req: IncomingMessage): 414 | 431 | undefined {
  const requestLine = `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`;
  if (Buffer.byteLength(requestLine) > MAX_REQUEST_LINE_BYTES) return 414;
  const raw = req.rawHeaders;
  if (raw.length / 2 > MAX_HEADER_COUNT) return 431;
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) bytes += Buffer.byteLength(raw[i]!) + Buffer.byteLength(raw[i + 1]!) + 4;
  return bytes > MAX_HEADER_BYTES ? 431 : undefined;
}

/** What Kestrel answers to a request Node could not parse: 414 for an endless request line, 431 for headers, else 400. */
function clientErrorStatus(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): number {
  if (err.code !== 'HPE_HEADER_OVERFLOW') return 400;
  const firstLineEnd = err.rawPacket?.indexOf('\r\n') ?? -1;
  return firstLineEnd < 0 || firstLineEnd > MAX_REQUEST_LINE_BYTES ? 414 : 431;
}

const emptyAnswer = (status: number) =>
  `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`;

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

  // Node's own header limit sits above Kestrel's, so the checks below decide, with Kestrel's answers.
  const maxHeaderSize = MAX_REQUEST_LINE_BYTES + MAX_HEADER_BYTES + 1024;
  const server = createServer({ keepAliveTimeout: 5000, maxHeaderSize }, (req, res) => {
    const limit = overLimits(req);
    if (limit) {
      res.writeHead(limit, { 'content-length': 0, connection: 'close' }).end();
      return;
    }
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
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end(emptyAnswer(clientErrorStatus(err)));
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
