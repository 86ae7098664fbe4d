/**
 * A local SMTP server that keeps every message it receives instead of delivering it, so notification emails (and
 * the approval links in them) can be read and clicked locally. Messages are kept under `<data>/smtp-sink/` and shown at
 * `/dev/mail` (list), `/dev/mail/<id>` (one message) and `/dev/mail/messages.json` (JSON, optional `?to=`).
 * Skipped when the app is configured to send through another SMTP server or through Azure.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback, isPortTaken, listenOn } from '../host/ports';
import type { EmbeddedServiceFactory } from './types';

export interface SinkMessage {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const MAX_KEPT = 2_000;
const MAX_BYTES = 5 * 1024 * 1024;
const CLOSE_TIMEOUT_MS = 1_000;

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d0d7de}
iframe{width:100%;height:70vh;border:1px solid #d0d7de;border-radius:6px}pre{white-space:pre-wrap;background:#f6f8fa;padding:.75rem}</style>
</head><body>${body}</body></html>`;
}

function send(res: ServerResponse, status: number, type: string, body: string): true {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
  return true;
}

export const createSmtpSinkService: EmbeddedServiceFactory = async (ctx) => {
  const transport = ctx.settings.EMAIL_TRANSPORT ?? 'smtp';
  const host = ctx.settings.SMTP_HOST ?? '127.0.0.1';
  if (transport !== 'smtp' || !isLoopback(host)) {
    ctx.log('Email: sent through a configured server (no local SMTP sink).');
    return undefined;
  }
  const [{ SMTPServer }, { simpleParser }] = await Promise.all([import('smtp-server'), import('mailparser')]);
  const dir = join(ctx.dataDir, 'smtp-sink');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'messages.json');
  const messages: SinkMessage[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SinkMessage[]) : [];
  let sequence = messages.length;
  let dirty = false;
  const persist = () => {
    if (!dirty) return;
    writeFileSync(`${file}.tmp`, JSON.stringify(messages));
    renameSync(`${file}.tmp`, file);
    dirty = false;
  };
  const flush = setInterval(persist, 2_000);
  flush.unref();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_BYTES,
    logger: false,
    // On shutdown a connection still open (e.g. a sender's idle pooled connection) gets 421 after this long.
    closeTimeout: CLOSE_TIMEOUT_MS,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const headers: Record<string, string> = {};
          for (const { key, line } of mail.headerLines) headers[key] = line.slice(line.indexOf(':') + 1).trim();
          messages.push({
            id: `m${++sequence}`,
            receivedAt: new Date().toISOString(),
            from: mail.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            headers,
          });
          if (messages.length > MAX_KEPT) messages.splice(0, messages.length - MAX_KEPT);
          dirty = true;
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  // The listening socket's errors reach the SMTP server too: a taken port is handled by bindPorts, not logged.
  server.on('error', (err) => {
    if (!isPortTaken(err)) ctx.log(`SMTP sink: ${err.message}`);
  });
  const { smtp: port } = await ctx.bindPorts({ smtp: 2525 }, async (wanted) => ({
    smtp: await listenOn(server.server, wanted.smtp, '127.0.0.1'),
  }));
  ctx.log(`SMTP sink on 127.0.0.1:${port}; read mail at ${ctx.publicOrigin}/dev/mail`);

  return {
    name: 'smtp-sink',
    env: { EMAIL_TRANSPORT: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_SECURE: 'false' },
    async handle(req: IncomingMessage, res: ServerResponse, url: URL) {
      if (url.pathname !== '/dev/mail' && !url.pathname.startsWith('/dev/mail/')) return false;
      if (req.method !== 'GET') return send(res, 405, 'text/plain', 'Only GET is supported.');
      const to = url.searchParams.get('to')?.toLowerCase();
      const selected = to ? messages.filter((m) => m.to.includes(to)) : messages;
      if (url.pathname === '/dev/mail/messages.json') {
        return send(res, 200, 'application/json', JSON.stringify({ items: [...selected].reverse() }));
      }
      if (url.pathname === '/dev/mail' || url.pathname === '/dev/mail/') {
        const rows = [...selected]
          .reverse()
          .map(
            (m) =>
              `<tr><td>${escapeHtml(new Date(m.receivedAt).toLocaleString())}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/dev/mail/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
          )
          .join('');
        return send(
          res,
          200,
          'text/html; charset=utf-8',
          page(
            'Local mail',
            `<h1>Local mail (${selected.length})</h1><p>Every email the app sent locally. Nothing left this machine.</p><table><tr><th>Received</th><th>To</th><th>Subject</th></tr>${rows}</table>`,
          ),
        );
      }
      const message = messages.find((m) => m.id === url.pathname.slice('/dev/mail/'.length));
      if (!message)
        return send(
          res,
          404,
          'text/html; charset=utf-8',
          page('Not found', '<h1>No such message</h1><p><a href="/dev/mail">All mail</a></p>'),
        );
      // The message's HTML is shown in a sandboxed frame; links open in the top window so approval links work.
      const htmlView = message.html
        ? `<iframe sandbox="allow-top-navigation-by-user-activation allow-popups" srcdoc="${escapeHtml(message.html.replace('<head>', '<head><base target="_top">'))}"></iframe>`
        : '';
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        page(
          message.subject,
          `<p><a href="/dev/mail">All mail</a></p><h1>${escapeHtml(message.subject)}</h1><p>From ${escapeHtml(message.from)} to ${escapeHtml(message.to.join(', '))}, ${escapeHtml(message.receivedAt)}</p>${htmlView}<h2>Text</h2><pre>${escapeHtml(message.text)}</pre>`,
        ),
      );
    },
    async stop() {
      clearInterval(flush);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      persist();
    },
  };
};
