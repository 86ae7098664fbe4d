/**
 * How the deployed web app reaches the API, in both values of main.bicep's `webApiMode`, read as text (so it runs
 * without the .NET SDK too; arm-template.test.ts evaluates the compiled template for each value):
 * - direct (default): the SPA on the static web app calls the API on the function app's own origin, which admits the
 *   web app's origin by CORS (no credentials) and reads the bearer token from Authorization;
 * - linked: the function app is the static web app's linked backend, so both share one origin under /api.
 * In both, the deployed web app learns where the API is from /config.json, written at deployment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bicepFiles, moduleCalls, objectKeys } from '../support/bicep-text';
import { WEB_SECURITY_HEADERS, webSecurityHeaders } from '../../local/host/spa';
import { cspAdmittingApi, runtimeConfig } from '../../scripts/web-runtime-config';

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

test('main.bicep offers both modes, direct by default', () => {
  assert.match(main, /^@allowed\(\['direct', 'linked'\]\)\nparam webApiMode string = 'direct'$/m);
  assert.match(main, /^var linkedBackend = webApiMode == 'linked'$/m);
});

test('the static web app is on the Standard plan only with a linked backend', () => {
  assert.equal(passedParam(staticWebApp.body, 'sku'), "linkedBackend ? 'Standard' : 'Free'");
  assert.match(moduleSource(staticWebApp.path), /sku: \{ name: sku, tier: sku \}/);
});

test('with a linked backend the function app is linked to the static web app', () => {
  assert.match(
    backendLink.body,
    /^module webBackend 'modules\/static-web-app-backend\.bicep' = if \(linkedBackend\) \{/,
  );
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

test("PUBLIC_BASE_URL is the API's address in each mode; WEB_BASE_URL is always the static web app", () => {
  const swaUrl = `${staticWebApp.symbol}.outputs.url`;
  assert.equal(appSetting('WEB_BASE_URL'), swaUrl, 'people return to the web app');
  assert.equal(appSetting('PUBLIC_BASE_URL'), `linkedBackend ? ${swaUrl} : ''`);
  // direct: the function app's own host name, known once it exists, so its module writes it.
  assert.equal(passedParam(functionApp.body, 'publicBaseUrlIsOwnAddress'), '!linkedBackend');
  assert.match(
    moduleSource(functionApp.path),
    /publicBaseUrlIsOwnAddress \? \{ PUBLIC_BASE_URL: 'https:\/\/\$\{site\.properties\.defaultHostName\}' \} : \{\}/,
  );
  assert.match(
    moduleSource(staticWebApp.path),
    /^output url string = 'https:\/\/\$\{site\.properties\.defaultHostname\}'$/m,
  );
  for (const file of files) {
    assert.doesNotMatch(file.source, /azurewebsites\.net/, `${file.path} spells out a host name`);
  }
  assert.equal(appSetting('AUTH_TOKEN_HEADER'), "linkedBackend ? 'x-client-authorization' : 'authorization'");
});

test("CORS admits the static web app's origin only in direct mode, never with credentials", () => {
  assert.equal(
    passedParam(functionApp.body, 'corsAllowedOrigins'),
    `linkedBackend ? [] : [${staticWebApp.symbol}.outputs.url]`,
  );
  const source = moduleSource(functionApp.path);
  assert.match(source, /cors: \{ allowedOrigins: corsAllowedOrigins, supportCredentials: false \}/);
  assert.match(source, /^param corsAllowedOrigins array = \[\]$/m);
});

test('the deployment tells the web app where the API is, and lets its CSP reach it', () => {
  const web = 'https://swa-x.azurestaticapps.net';
  assert.deepEqual(runtimeConfig({ apiUrl: `${web}/api`, webUrl: web }), { apiBase: '/api' });
  assert.deepEqual(runtimeConfig({ apiUrl: 'https://func-x.example.net/api', webUrl: web }), {
    apiBase: 'https://func-x.example.net/api',
  });
  const shipped = JSON.parse(readFileSync(join(root, 'web/public/config.json'), 'utf8')) as { apiBase: string };
  assert.deepEqual(shipped, { apiBase: '/api' }, 'a build alone reaches the API on its own origin');
  const azure = readFileSync(join(root, 'azure.yaml'), 'utf8');
  assert.match(azure, /postbuild:\s*\n\s*shell: sh\n\s*run: npx tsx scripts\/web-runtime-config\.ts/);
  assert.match(
    main,
    /^output API_URL string = linkedBackend \? '\$\{web\.outputs\.url\}\/api' : '\$\{functionApp\.outputs\.url\}\/api'$/m,
  );

  // The same CSP as the local runtime's web app on its own origin, plus the sign-in service.
  const config = JSON.parse(readFileSync(join(root, 'web/public/staticwebapp.config.json'), 'utf8')) as {
    globalHeaders: Record<string, string>;
  };
  const api = 'https://func-x.example.net';
  const deployed = cspAdmittingApi(config.globalHeaders['Content-Security-Policy']!, api, web);
  const local = webSecurityHeaders(api)['content-security-policy']!.replace(
    `connect-src 'self' ${api}`,
    `connect-src 'self' https://login.microsoftonline.com ${api}`,
  );
  assert.equal(deployed.replace(/;\s*/g, '; '), local.replace(/;\s*/g, '; '));
  assert.equal(
    cspAdmittingApi(config.globalHeaders['Content-Security-Policy']!, web, web),
    config.globalHeaders['Content-Security-Policy'],
  );
});

test('the postbuild hook writes config.json and the CSP into the build it is given', () => {
  const dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
  try {
    copyFileSync(join(root, 'web/public/staticwebapp.config.json'), join(dist, 'staticwebapp.config.json'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/web-runtime-config.ts'), dist], {
      env: { ...process.env, API_URL: 'https://func-x.example.net/api', WEB_URL: 'https://swa-x.azurestaticapps.net' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(dist, 'config.json'), 'utf8')), {
      apiBase: 'https://func-x.example.net/api',
    });
    const written = JSON.parse(readFileSync(join(dist, 'staticwebapp.config.json'), 'utf8')) as {
      globalHeaders: Record<string, string>;
    };
    assert.match(
      written.globalHeaders['Content-Security-Policy']!,
      /form-action 'self' https:\/\/func-x\.example\.net/,
    );
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});

test('the deployed SPA never sends /api or its config to index.html', () => {
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
