// Writes what the deployed web app needs to know about the API into its build (web/dist), after `npm run build` and
// before azd uploads it (azure.yaml, web service, postbuild hook, run with tsx), from the azd environment's outputs:
//   - config.json: { apiBase } — `/api` when the API shares the web app's origin (linked backend), else API_URL;
//   - staticwebapp.config.json: the Content-Security-Policy also admits the API's origin for fetches (connect-src)
//     and for the connect flow's form post (form-action) when the API is on another origin.
// One build serves both webApiMode values. Usage: API_URL=... WEB_URL=... npx tsx scripts/web-runtime-config.ts [dist]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = join(__dirname, '..');

/** The web app's runtime config for an API at `apiUrl` (…/api) and a web app at `webUrl`. */
export function runtimeConfig({ apiUrl, webUrl }: { apiUrl: string; webUrl: string }): { apiBase: string } {
  const api = new URL(apiUrl);
  const sameOrigin = api.origin === new URL(webUrl).origin;
  return { apiBase: sameOrigin ? api.pathname.replace(/\/$/, '') : api.href.replace(/\/$/, '') };
}

/** The CSP with `apiOrigin` added to connect-src and form-action (nothing changes for the web app's own origin). */
export function cspAdmittingApi(csp: string, apiOrigin: string, webOrigin: string): string {
  if (apiOrigin === webOrigin) return csp;
  return csp
    .split(';')
    .map((directive) => {
      const [name] = directive.trim().split(/\s+/);
      return name === 'connect-src' || name === 'form-action' ? `${directive.trimEnd()} ${apiOrigin}` : directive;
    })
    .join(';');
}

/** Writes config.json and the CSP into `dist` for the API at `apiUrl`. */
export function writeRuntimeConfig(dist: string, { apiUrl, webUrl }: { apiUrl: string; webUrl: string }): void {
  writeFileSync(join(dist, 'config.json'), `${JSON.stringify(runtimeConfig({ apiUrl, webUrl }))}\n`);
  const path = join(dist, 'staticwebapp.config.json');
  const swa = JSON.parse(readFileSync(path, 'utf8')) as { globalHeaders: Record<string, string> };
  const csp = swa.globalHeaders['Content-Security-Policy']!;
  swa.globalHeaders['Content-Security-Policy'] = cspAdmittingApi(csp, new URL(apiUrl).origin, new URL(webUrl).origin);
  writeFileSync(path, `${JSON.stringify(swa, null, 2)}\n`);
}

if (require.main === module) {
  const { API_URL, WEB_URL } = process.env;
  if (!API_URL || !WEB_URL) {
    console.error('web-runtime-config: API_URL and WEB_URL are needed (azd sets them from the deployment outputs)');
    process.exit(1);
  }
  const dist = resolve(process.argv[2] ?? join(root, 'web/dist'));
  writeRuntimeConfig(dist, { apiUrl: API_URL, webUrl: WEB_URL });
  console.log(
    `web-runtime-config: ${dist}/config.json → ${JSON.stringify(runtimeConfig({ apiUrl: API_URL, webUrl: WEB_URL }))}`,
  );
}
