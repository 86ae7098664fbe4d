/**
 * Serves the built web app (web/dist) for every path that is not the API or a runtime route: files as they are,
 * and index.html for client-side routes. Without a build, a plain 404 page says how to build it.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The web app's security headers, the same as `web/public/staticwebapp.config.json` sends in Azure. Scripts only
 * from our origin, no framing, no sniffing, no full URLs (which may carry a sign-in code) in the Referer.
 * `style-src 'unsafe-inline'`: MUI's styling engine (emotion) injects <style> elements at run time; there is no
 * script or URL-loading risk in allowing inline styles, and scripts stay `'self'` only.
 */
export const WEB_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

/**
 * The security headers when the API is on another origin (`apiOrigin`): the web app may also fetch from it and post
 * the connect flow's form to it. The deployment writes the same into staticwebapp.config.json
 * (scripts/web-runtime-config.mjs).
 */
export function webSecurityHeaders(apiOrigin?: string): Record<string, string> {
  if (!apiOrigin) return WEB_SECURITY_HEADERS;
  const csp = WEB_SECURITY_HEADERS['content-security-policy']!.split(';')
    .map((directive) => {
      const [name] = directive.trim().split(/\s+/);
      return name === 'connect-src' || name === 'form-action' ? `${directive.trimEnd()} ${apiOrigin}` : directive;
    })
    .join(';');
  return { ...WEB_SECURITY_HEADERS, 'content-security-policy': csp };
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cache: string,
  headers: Record<string, string>,
): void {
  const size = statSync(path).size;
  res.writeHead(200, {
    'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': cache,
    ...headers,
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
}

/**
 * Serves web/dist. With `apiOrigin` (the web app on its own origin, the API on another, as with webApiMode direct in
 * Azure) `/config.json` names the API there and the CSP admits it.
 */
export function createSpaHandler(distDir: string, options: { apiOrigin?: string } = {}) {
  const headers = webSecurityHeaders(options.apiOrigin);
  return function serveSpa(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.');
      return;
    }
    if (options.apiOrigin && url.pathname === '/config.json') {
      const body = JSON.stringify({ apiBase: `${options.apiOrigin}/api` });
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-cache',
        ...headers,
      });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }
    const index = join(distDir, 'index.html');
    if (!existsSync(index)) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Not found. The web app is not built: run `npm run build` (or `npm start`, which builds it).');
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('The address is not valid.');
      return;
    }
    const candidate = normalize(join(distDir, relative));
    if (candidate.startsWith(distDir + sep) && existsSync(candidate) && statSync(candidate).isFile()) {
      // Vite's hashed assets never change; everything else is revalidated.
      const immutable = relative.startsWith('/assets/');
      sendFile(req, res, candidate, immutable ? 'public, max-age=31536000, immutable' : 'no-cache', headers);
      return;
    }
    if (extname(relative) !== '' && !relative.endsWith('.html')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.');
      return;
    }
    sendFile(req, res, index, 'no-cache', headers);
  };
}
