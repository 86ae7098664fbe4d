import type { EmbeddedServiceContext } from '../services/types';

/** The connector callback URLs an emulator's OAuth client accepts: the app's public origin, as localhost and 127.0.0.1. */
export function callbackUris(ctx: EmbeddedServiceContext, provider: string): string[] {
  const origins = new Set<string>();
  for (const base of [ctx.settings.PUBLIC_BASE_URL, ctx.publicOrigin]) {
    if (!base) continue;
    const url = new URL(base);
    origins.add(url.origin);
    if (url.hostname === 'localhost') origins.add(url.origin.replace('localhost', '127.0.0.1'));
    if (url.hostname === '127.0.0.1') origins.add(url.origin.replace('127.0.0.1', 'localhost'));
  }
  return [...origins].map((origin) => `${origin}/api/connectors/${provider}/callback`);
}
