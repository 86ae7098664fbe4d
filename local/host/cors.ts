/**
 * CORS for the API as Core Tools applies local.settings.json `Host.CORS` (and `Host.CORSCredentials`): allowed
 * origins get Access-Control-Allow-Origin, and preflight requests are answered by the host, not by a function.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsOptions {
  origins: string[];
  credentials: boolean;
}

/** Adds the CORS headers for this request; returns true when it was a preflight that is now answered. */
export function applyCors(options: CorsOptions, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!origin || options.origins.length === 0) return false;
  const wildcard = options.origins.includes('*');
  if (!wildcard && !options.origins.some((o) => o.replace(/\/$/, '').toLowerCase() === origin.toLowerCase()))
    return false;
  res.setHeader('access-control-allow-origin', wildcard && !options.credentials ? '*' : origin);
  if (!wildcard || options.credentials) res.setHeader('vary', 'Origin');
  if (options.credentials) res.setHeader('access-control-allow-credentials', 'true');
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (!preflight) return false;
  res.setHeader('access-control-allow-methods', String(req.headers['access-control-request-method']));
  const headers = req.headers['access-control-request-headers'];
  if (headers) res.setHeader('access-control-allow-headers', String(headers));
  res.setHeader('access-control-max-age', '600');
  res.writeHead(204).end();
  return true;
}
