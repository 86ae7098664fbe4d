/**
 * In Azure the SPA and the API must share one origin: connecting an account binds the OAuth flow to the browser with an
 * HttpOnly SameSite=Lax cookie, which a cross-site API would never receive. The static web app (Standard) links the
 * function app as its backend so https://<static web app>/api/* reaches it, and every public URL the app builds
 * (OAuth redirect URIs, emailed links, the web app's address) is that origin. Read as text, so it runs without the .NET
 * SDK too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bicepFiles, moduleCalls, objectKeys } from '../support/bicep-text';
import { WEB_SECURITY_HEADERS } from '../../local/host/spa';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bicepDir = join(root, 'bicep');
const main = readFileSync(join(bicepDir, 'main.bicep'), 'utf8');
const files = bicepFiles(bicepDir);

/** Source of a module file as main.bicep names it (`modules/x.bicep`). */
function moduleSource(path: string): string {
  return readFileSync(join(bicepDir, path), 'utf8');
}

/** The one module call of main.bicep whose file declares (not merely references) a resource of this type. */
function moduleDeclaring(type: string): { symbol: string; path: string; body: string } {
  const declares = new RegExp(`^resource \\w+ '${type.replace(/[/.]/g, '\\$&')}@[^']+' = (?!.*existing)`, 'm');
  const calls = moduleCalls(main).filter((call) => declares.test(moduleSource(call.path)));
  assert.equal(calls.length, 1, `exactly one module of main.bicep declares a ${type} resource`);
  const { symbol, path } = calls[0]!;
  const start = main.indexOf(`module ${symbol} '`);
  const end = main.indexOf('\n}', start);
  return { symbol, path, body: main.slice(start, end + 2) };
}

/** The expression a module call passes for one parameter, as written (`functionApp.outputs.id`). */
function passedParam(body: string, name: string): string | undefined {
  return new RegExp(`^\\s+${name}:\\s*(.+?)\\s*$`, 'm').exec(body)?.[1];
}

/** The expression `var appSettings` gives a setting, as written. */
function appSetting(name: string): string {
  assert.ok(objectKeys(main, 'appSettings')?.includes(name), `appSettings writes ${name}`);
  const start = main.indexOf('var appSettings = {');
  const value = new RegExp(`^\\s+${name}:\\s*(.+?)\\s*(//.*)?$`, 'm').exec(main.slice(start))?.[1];
  assert.ok(value, `value of ${name}`);
  return value;
}

const staticWebApp = moduleDeclaring('Microsoft.Web/staticSites');
const functionApp = moduleDeclaring('Microsoft.Web/sites');
const backendLink = moduleDeclaring('Microsoft.Web/staticSites/linkedBackends');

test('the static web app is on the Standard plan (linked backends need it)', () => {
  const source = moduleSource(staticWebApp.path);
  assert.match(source, /sku: \{ name: 'Standard', tier: 'Standard' \}/);
  for (const file of files)
    assert.doesNotMatch(file.source, /'Free'/, `${file.path} offers the Free plan, which cannot link a backend`);
});

test('the function app is linked as the backend of the static web app', () => {
  const source = moduleSource(backendLink.path);
  const resource = /resource (\w+) 'Microsoft\.Web\/staticSites\/linkedBackends@[^']+' = \{([\s\S]*?)\n\}/.exec(source);
  assert.ok(resource, 'a linkedBackends resource');
  const body = resource[2]!;
  assert.match(body, /parent: (\w+)/, 'the link is a child of the static web app');
  const parent = /parent: (\w+)/.exec(body)![1]!;
  assert.match(
    source,
    new RegExp(`resource ${parent} 'Microsoft\\.Web/staticSites@[^']+' existing = \\{\\s*name: staticWebAppName`),
  );
  assert.match(body, /backendResourceId: backendResourceId/);
  assert.match(body, /region: backendRegion/);

  assert.equal(passedParam(backendLink.body, 'staticWebAppName'), `${staticWebApp.symbol}.outputs.name`);
  assert.equal(passedParam(backendLink.body, 'backendResourceId'), `${functionApp.symbol}.outputs.id`);
  assert.equal(
    passedParam(backendLink.body, 'backendRegion'),
    passedParam(functionApp.body, 'location'),
    "the region is the function app's",
  );
  assert.match(moduleSource(functionApp.path), /^output id string = site\.id$/m);
});

test('PUBLIC_BASE_URL and WEB_BASE_URL are both the static web app, so client-config answers apiBase /api', () => {
  const swaUrl = `${staticWebApp.symbol}.outputs.url`;
  assert.equal(appSetting('PUBLIC_BASE_URL'), swaUrl, 'OAuth redirect URIs and emailed links use the static web app');
  assert.equal(appSetting('WEB_BASE_URL'), swaUrl);
  assert.match(
    moduleSource(staticWebApp.path),
    /^output url string = 'https:\/\/\$\{site\.properties\.defaultHostname\}'$/m,
  );
  for (const file of files) {
    assert.doesNotMatch(file.source, /azurewebsites\.net/, `${file.path} builds a URL on the function app's own host`);
  }
});

test('no browser calls the function app cross-origin: no CORS origins, no credentials', () => {
  const source = moduleSource(functionApp.path);
  assert.match(source, /cors: \{ allowedOrigins: \[\], supportCredentials: false \}/);
  assert.equal(passedParam(functionApp.body, 'allowedOrigins'), undefined);
});

test('the deployed SPA loads client-config from its own origin and never sends /api to index.html', () => {
  const azure = readFileSync(join(root, 'azure.yaml'), 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
  assert.doesNotMatch(azure, /client-config/, 'azure.yaml rewrites no client-config route');
  assert.doesNotMatch(azure, /redirect/, 'azure.yaml adds no redirect to the function app');
  const config = JSON.parse(readFileSync(join(root, 'web/public/staticwebapp.config.json'), 'utf8')) as {
    navigationFallback?: { rewrite?: string; exclude?: string[] };
    routes?: { route: string }[];
  };
  assert.equal(config.navigationFallback?.rewrite, '/index.html');
  assert.ok(config.navigationFallback?.exclude?.includes('/api/*'), 'navigationFallback excludes /api/*');
  const apiRoutes = (config.routes ?? []).filter((r) => r.route.startsWith('/api'));
  assert.deepEqual(apiRoutes, [], 'no route rule intercepts /api');
});

test('the deployed web app sends the same security headers as the local runtime, plus the sign-in service', () => {
  const config = JSON.parse(readFileSync(join(root, 'web/public/staticwebapp.config.json'), 'utf8')) as {
    globalHeaders?: Record<string, string>;
  };
  const deployed = Object.fromEntries(
    Object.entries(config.globalHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  for (const [name, value] of Object.entries(WEB_SECURITY_HEADERS)) {
    if (name !== 'content-security-policy') assert.equal(deployed[name], value, name);
  }
  const directives = (csp: string) =>
    new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
        .map(([k, ...v]) => [k, v]),
    );
  const local = directives(WEB_SECURITY_HEADERS['content-security-policy']!);
  const azure = directives(deployed['content-security-policy'] ?? '');
  assert.deepEqual([...azure.keys()].sort(), [...local.keys()].sort());
  for (const [name, sources] of local) {
    const expected = name === 'connect-src' ? [...sources, 'https://login.microsoftonline.com'] : sources;
    assert.deepEqual(azure.get(name), expected, `${name}: the web app fetches Entra's discovery and token endpoints`);
  }
  assert.deepEqual(azure.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(azure.get('default-src'), ["'self'"]);
});
