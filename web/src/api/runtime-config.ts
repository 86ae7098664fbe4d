/**
 * Where the API is, from `/config.json`, a file served next to the web app and written at deployment (one build serves
 * every deployment): `/api` when the API shares the web app's origin, else the API's own address, e.g.
 * `https://func-xyz.azurewebsites.net/api`. Without the file, `/api`.
 */
export async function loadApiBase(): Promise<string> {
  const response = await fetch('/config.json', { cache: 'no-cache' }).catch(() => null);
  if (!response?.ok) return '/api';
  const config = (await response.json().catch(() => ({}))) as { apiBase?: unknown };
  return typeof config.apiBase === 'string' && config.apiBase ? config.apiBase.replace(/\/$/, '') : '/api';
}
