/**
 * What `azd up` would deploy, read from the ARM template the Bicep CLI compiled (dist/bicep/main.json, built by
 * scripts/bicep.mjs in `npm test`), with the template's own parameter defaults: the settings the code reads, the Cosmos
 * containers with their partition keys and valid indexing paths, identity-only access, the Node version and the
 * Durable backend. Without the .NET SDK there is no compiled template, and these tests say they were skipped.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingsSchema } from '../../shared/platform/config';
import { isLocalOnlySetting } from '../../shared/platform/config/env';
import { CONTAINERS, type ContainerDef } from '../../shared/platform/cosmos/containers';
import {
  RUNTIME,
  allResources,
  deployment,
  isDeployed,
  loadCompiledTemplate,
  moduleDeployment,
  moduleInstances,
  resourceList,
  resourcesOfType,
  type Deployment,
  type Value,
} from './arm-template';
import { indexingPathProblem } from './cosmos-paths';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const template = loadCompiledTemplate();
const skip = template ? false : 'bicep/ was not compiled (no .NET SDK here, see scripts/bicep.mjs): nothing to check';
const hostJson = JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')) as {
  extensionBundle: { id: string; version: string };
  extensions: { durableTask: { hubName: string; storageProvider: Record<string, unknown> } };
};

/** What azd passes when a person sets only the required values. */
const required: Record<string, Value> = {
  environmentName: 'test',
  location: 'swedencentral',
  authApiClientId: '00000000-0000-0000-0000-0000000000a1',
  authSpaClientId: '00000000-0000-0000-0000-0000000000a2',
  tokenEncryptionKey: 'k'.repeat(44),
  approvalLinkKey: 'l'.repeat(44),
  apiTokenKey: 't'.repeat(44),
};

function main(overrides: Record<string, Value> = {}): Deployment {
  return deployment(template!, { ...required, ...overrides });
}

/** The function app's settings as its `appsettings` resource writes them (what the app reads at run time). */
function appSettings(d: Deployment): Record<string, Value> {
  const configs = resourcesOfType(moduleDeployment(d, 'function-app'), 'Microsoft.Web/sites/config');
  const settings = configs.find((c) => String(c.name).endsWith('/appsettings'))?.body.properties;
  assert.ok(settings && typeof settings === 'object' && !Array.isArray(settings), 'app settings are an object');
  return settings as Record<string, Value>;
}

function site(d: Deployment): Record<string, Value> {
  const sites = resourcesOfType(moduleDeployment(d, 'function-app'), 'Microsoft.Web/sites');
  assert.equal(sites.length, 1);
  return sites[0]!.body.properties as Record<string, Value>;
}

const deployedSchemaSettings = Object.entries(settingsSchema.shape)
  .filter(([, schema]) => !isLocalOnlySetting(schema as never))
  .map(([name]) => name);

/** `AzureFunctionsJobHost__a__b__c` sets host.json's a.b.c: meaningful only where host.json has the section a.b. */
function overridesHostJson(name: string): boolean {
  const path = name.replace(/^AzureFunctionsJobHost__/, '').split('__');
  let node: unknown = hostJson;
  for (const key of path.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[key];
  return node !== null && typeof node === 'object';
}

/** Role assignments of the roles module: who (app or deployment identity), which role id, on which resource (named
 * by the roles module's parameter that holds its name, e.g. `deploymentStorageAccountName`). */
function grants(d: Deployment): { principal: string; role: string; on: string }[] {
  const roles = moduleDeployment(d, 'roles');
  const parameterIn = (expression: unknown) => /parameters\('(\w+)'\)/.exec(String(expression))?.[1] ?? '';
  return resourcesOfType(roles, 'Microsoft.Authorization/roleAssignments').map(({ body, raw }) => {
    const principal = parameterIn(raw.properties?.principalId);
    assert.ok(principal === 'principalId' || principal === 'deploymentPrincipalId');
    const role = String((body.properties as { roleDefinitionId: Value }).roleDefinitionId)
      .split('/')
      .pop()!;
    return { principal: principal === 'principalId' ? 'app' : 'deployment', role, on: parameterIn(raw.scope) };
  });
}

describe('the compiled ARM template', { skip }, () => {
  test('writes every setting the code reads in Azure, and nothing it does not read', () => {
    const settings = appSettings(main());
    const missing = deployedSchemaSettings.filter((name) => !(name in settings));
    assert.deepEqual(missing, [], `settings shared/platform/config reads that the template does not write`);
    const hostConnections = new Set(['AzureWebJobsStorage', 'ServiceBusConnection']);
    const unread = Object.keys(settings).filter(
      (name) =>
        !(name in settingsSchema.shape) &&
        !name.startsWith('APPLICATIONINSIGHTS_') &&
        name !== 'TASKHUB_NAME' &&
        name !== hostJson.extensions.durableTask.storageProvider.connectionStringName &&
        !hostConnections.has(name.split('__')[0]!) &&
        !(name.startsWith('AzureFunctionsJobHost__') && overridesHostJson(name)),
    );
    assert.deepEqual(unread, [], 'settings nothing reads');
  });

  test('writes a Key Vault reference only for a secret it stores', () => {
    const noSecrets = appSettings(main({ googleClientId: 'google-id', microsoftClientId: 'ms-id' }));
    assert.equal(noSecrets.GOOGLE_CLIENT_SECRET, '', 'a client id without its secret leaves the secret empty');
    assert.equal(noSecrets.MICROSOFT_CLIENT_SECRET, '');
    const withSecret = appSettings(main({ googleClientId: 'google-id', googleClientSecret: 'shh' }));
    assert.match(
      String(withSecret.GOOGLE_CLIENT_SECRET),
      /^@Microsoft\.KeyVault\(VaultName=.*;SecretName=google-client-secret\)$/,
    );
    const vault = moduleDeployment(main({ googleClientId: 'google-id' }), 'key-vault');
    const stored = resourcesOfType(vault, 'Microsoft.KeyVault/vaults/secrets').map((s) => String(s.name));
    assert.ok(!stored.some((name) => name.endsWith('google-client-secret')), 'no empty secret is stored');
  });

  test('creates every Cosmos container of containers.ts with its partition key, TTL and valid indexing paths', () => {
    const cosmos = moduleDeployment(main(), 'cosmos');
    const created = resourcesOfType(cosmos, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers').map(
      (c) => (c.body.properties as { resource: Record<string, Value> }).resource,
    );
    const byName = new Map(created.map((c) => [c.id as string, c]));
    for (const def of Object.values(CONTAINERS) as ContainerDef[]) {
      const c = byName.get(def.name) as
        | {
            partitionKey: { paths: string[] };
            defaultTtl?: number;
            indexingPolicy: { includedPaths: { path: string }[]; excludedPaths: { path: string }[] };
          }
        | undefined;
      assert.ok(c, `container ${def.name}`);
      assert.deepEqual(c.partitionKey.paths, [def.partitionKey], `partition key of ${def.name}`);
      assert.equal(c.defaultTtl, def.defaultTtl, `TTL of ${def.name}`);
      const excluded = c.indexingPolicy.excludedPaths.map((p) => p.path).filter((p) => p !== '/"_etag"/?');
      assert.deepEqual(excluded, def.excludedPaths ?? [], `excluded paths of ${def.name}`);
      for (const { path } of [...c.indexingPolicy.includedPaths, ...c.indexingPolicy.excludedPaths])
        assert.equal(indexingPathProblem(path), undefined, `${def.name}: ${path}`);
    }
    assert.equal(created.length, Object.keys(CONTAINERS).length, 'no container the code does not use');
  });

  test('reaches every service with identities only: no keys, local auth off everywhere', () => {
    const source = JSON.stringify(template);
    assert.doesNotMatch(source, /listKeys|listConnectionStrings|listSecrets|AccountKey=|SharedAccessKey/);
    const localAuthOff: Record<string, (p: Record<string, unknown>) => unknown> = {
      'Microsoft.Storage/storageAccounts': (p) => p.allowSharedKeyAccess === false && p.allowBlobPublicAccess === false,
      'Microsoft.DocumentDB/databaseAccounts': (p) => p.disableLocalAuth === true,
      'Microsoft.ServiceBus/namespaces': (p) => p.disableLocalAuth === true,
      'Microsoft.CognitiveServices/accounts': (p) => p.disableLocalAuth === true,
      'Microsoft.Insights/components': (p) => p.DisableLocalAuth === true,
      'Microsoft.Communication/communicationServices': (p) => p.disableLocalAuth === true,
      'Microsoft.KeyVault/vaults': (p) => p.enableRbacAuthorization === true && p.accessPolicies === undefined,
    };
    const declared = allResources(template!).filter((r) => !r.existing);
    for (const [type, check] of Object.entries(localAuthOff)) {
      const resources = declared.filter((r) => r.type === type);
      assert.ok(resources.length > 0, `the template creates a ${type}`);
      for (const r of resources) assert.ok(check(r.properties ?? {}), `${type} ${String(r.name)}: local auth off`);
    }
    const settings = appSettings(main());
    assert.equal(settings.AzureWebJobsStorage__credential, 'managedidentity');
    assert.equal(settings.ServiceBusConnection__credential, 'managedidentity');
  });

  test('runs the app on Node 22, the newest major package.json allows', () => {
    const runtime = (site(main()).functionAppConfig as { runtime: Value }).runtime;
    assert.deepEqual(runtime, { name: 'node', version: '22' });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.match(pkg.engines.node, /<23\b/, 'package.json engines allows Node 22 and no later major');
  });

  test('keeps the deployment package where only the deployment identity can write it', () => {
    const d = main();
    const config = site(d).functionAppConfig as { deployment: { storage: { value: string } } };
    assert.match(config.deployment.storage.value, /^\{runtime\}app-package$/, 'the package container');
    const passed = resourceList(d.template).find((r) => r.name === 'function-app')!.properties!.parameters! as Record<
      string,
      { value: unknown }
    >;
    assert.match(
      String(passed.deploymentIdentityId!.value),
      /'deployment-identity'\), '[^']+'\)\.outputs\.id\.value\]$/,
    );
    assert.match(
      String(passed.deploymentContainerUrl!.value),
      /'deployment-storage'\)/,
      'the package has its own account',
    );
    const all = grants(d);
    assert.deepEqual(
      all.filter((g) => g.on === 'deploymentStorageAccountName'),
      [{ principal: 'deployment', role: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', on: 'deploymentStorageAccountName' }],
      'only the deployment identity holds a role on the package (Storage Blob Data Contributor)',
    );
    assert.deepEqual(
      all.filter((g) => g.principal === 'deployment').map((g) => g.on),
      ['deploymentStorageAccountName'],
      'and it holds no other role',
    );
  });

  test('runs Durable Functions on the Durable Task Scheduler by default, through the app identity', () => {
    const d = main();
    const provider = hostJson.extensions.durableTask.storageProvider;
    assert.equal(provider.type, 'azureManaged');
    assert.equal(hostJson.extensionBundle.version, '[4.*, 5.0.0)');
    const settings = appSettings(d);
    const connection = String(settings[provider.connectionStringName as string]);
    assert.match(connection, /^Endpoint=\{runtime\};Authentication=ManagedIdentity;ClientID=\{runtime\}$/);
    assert.equal(settings.TASKHUB_NAME, 'agents');
    const durableModule = resourceList(d.template).find((r) => r.name === 'durable-task')!;
    assert.equal(isDeployed(d, durableModule), true);
    const dts = moduleDeployment(d, 'durable-task');
    const schedulers = resourcesOfType(dts, 'Microsoft.DurableTask/schedulers');
    assert.deepEqual((schedulers[0]!.body.properties as { sku: Value }).sku, { name: 'Consumption' });
    const hubs = resourcesOfType(dts, 'Microsoft.DurableTask/schedulers/taskHubs').map((h) => String(h.name));
    assert.deepEqual(hubs, [`${String(schedulers[0]!.name)}/agents`], 'the task hub is TASKHUB_NAME');
    const roles = moduleDeployment(d, 'roles');
    assert.equal(
      roles.scope.parameters.durableUsesStorage,
      false,
      'no queue or table roles without the storage backend',
    );
    assert.ok(
      grants(d).some(
        (g) =>
          g.principal === 'app' &&
          g.role === '0ad04412-c4d5-4796-b79c-f76d14c8d402' &&
          g.on === 'durableTaskSchedulerName',
      ),
      'the app identity is Durable Task Data Contributor on the scheduler',
    );
    assert.deepEqual(
      (site(d).functionAppConfig as { scaleAndConcurrency: { alwaysReady: Value } }).scaleAndConcurrency.alwaysReady,
      [],
    );
  });

  test('keeps Azure Storage as the Durable backend when asked, with an always-ready durable group', () => {
    const d = main({ durableBackend: 'azure-storage' });
    const durableModule = resourceList(d.template).find((r) => r.name === 'durable-task')!;
    assert.equal(isDeployed(d, durableModule), false, 'no scheduler');
    const settings = appSettings(d);
    assert.equal(settings.DURABLE_TASK_SCHEDULER_CONNECTION_STRING, undefined);
    const override = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__';
    assert.equal(settings[`${override}type`], 'AzureStorage');
    assert.equal(settings[`${override}connectionName`], 'AzureWebJobsStorage');
    for (const name of Object.keys(settings).filter((n) => n.startsWith('AzureFunctionsJobHost__')))
      assert.ok(overridesHostJson(name), `${name} overrides a host.json value`);
    assert.deepEqual(
      (site(d).functionAppConfig as { scaleAndConcurrency: { alwaysReady: Value } }).scaleAndConcurrency.alwaysReady,
      [{ name: 'durable', instanceCount: 1 }],
    );
    const storageRoles = grants(d)
      .filter((g) => g.principal === 'app' && g.on === 'storageAccountName')
      .map((g) => g.role);
    assert.deepEqual(
      storageRoles.sort(),
      [
        '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
        '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
        'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      ],
      'blob, queue and table roles for the task hub',
    );
    assert.ok(!grants(d).some((g) => g.role === '0ad04412-c4d5-4796-b79c-f76d14c8d402'), 'no scheduler role');
  });

  test('keeps every service public (Entra ID only) by default, with no network', () => {
    const d = main();
    assert.deepEqual(moduleInstances(d, 'network'), []);
    assert.deepEqual(moduleInstances(d, 'private-endpoint'), []);
    for (const name of ['cosmos', 'storage', 'deployment-storage', 'service-bus', 'key-vault', 'openai'])
      assert.equal(moduleInstances(d, name)[0]!.parameters.publicNetworkAccess, 'Enabled', name);
    assert.equal(moduleInstances(d, 'service-bus')[0]!.parameters.sku, 'Standard');
    assert.equal(site(d).virtualNetworkSubnetId, null, 'no VNet integration');
  });

  test('puts every data service behind a private endpoint with privateNetworking', () => {
    for (const aiProvider of ['azure-openai', 'offline']) {
      const d = main({ privateNetworking: true, aiProvider });
      const services = ['cosmos', 'storage', 'deployment-storage', 'service-bus', 'key-vault'];
      if (aiProvider === 'azure-openai') services.push('openai');
      for (const name of services)
        assert.equal(moduleInstances(d, name)[0]!.parameters.publicNetworkAccess, 'Disabled', `${name} is private`);
      assert.equal(moduleInstances(d, 'service-bus')[0]!.parameters.sku, 'Premium', 'private endpoints need Premium');
      const endpoints = moduleInstances(d, 'private-endpoint').map((e) => [
        String(e.parameters.targetResourceId).split('/providers/')[1]!.split('/').slice(0, 2).join('/'),
        e.parameters.groupId,
      ]);
      const expected = [
        ['Microsoft.DocumentDB/databaseAccounts', 'Sql'],
        ['Microsoft.Storage/storageAccounts', 'blob'],
        ['Microsoft.Storage/storageAccounts', 'queue'],
        ['Microsoft.Storage/storageAccounts', 'table'],
        ['Microsoft.Storage/storageAccounts', 'blob'],
        ['Microsoft.ServiceBus/namespaces', 'namespace'],
        ['Microsoft.KeyVault/vaults', 'vault'],
        ...(aiProvider === 'azure-openai' ? [['Microsoft.CognitiveServices/accounts', 'account']] : []),
      ];
      assert.deepEqual(endpoints, expected, `private endpoints with ${aiProvider}`);
      const network = moduleInstances(d, 'network');
      assert.equal(network.length, 1);
      const zones = network[0]!.parameters.privateDnsZoneNames as string[];
      for (const e of moduleInstances(d, 'private-endpoint'))
        assert.ok(
          zones.some((zone) => String(e.parameters.privateDnsZoneId).endsWith(`/${zone}`)),
          'its DNS zone exists',
        );
      assert.equal(site(d).virtualNetworkSubnetId, RUNTIME, "the app's outbound traffic goes through the network");
    }
    const network = resourceList(template!).find((r) => r.name === 'network')!.properties!.template!;
    const vnet = resourceList(network).find((r) => r.type === 'Microsoft.Network/virtualNetworks')!;
    assert.match(
      JSON.stringify(vnet),
      /"serviceName":"Microsoft\.App\/environments"/,
      'the app subnet is delegated to Flex',
    );
  });

  test("serves the API on the function app's own origin by default, with CORS for the web app only", () => {
    for (const d of [main(), main({ webApiMode: 'direct' })]) {
      assert.deepEqual(moduleInstances(d, 'static-web-app-backend'), [], 'no linked backend');
      assert.equal(moduleDeployment(d, 'static-web-app').scope.parameters.sku, 'Free', 'nothing needs Standard');
      const cors = site(d).siteConfig as { cors: { allowedOrigins: Value[]; supportCredentials: boolean } };
      assert.equal(cors.cors.allowedOrigins.length, 1, "the static web app's origin and no other");
      assert.equal(cors.cors.supportCredentials, false, 'the bearer token, never cookies, crosses origins');
      const settings = appSettings(d);
      assert.equal(settings.AUTH_TOKEN_HEADER, 'authorization');
      assert.match(String(settings.PUBLIC_BASE_URL), /^https:\/\//, "the function app's own address");
      assert.equal(settings.WEB_BASE_URL, RUNTIME, "the static web app's address");
    }
  });

  test("links the function app as the static web app's backend with webApiMode linked", () => {
    const d = main({ webApiMode: 'linked' });
    const [link] = moduleInstances(d, 'static-web-app-backend');
    assert.ok(link, 'the linked backend is deployed');
    assert.equal(moduleDeployment(d, 'static-web-app').scope.parameters.sku, 'Standard');
    const cors = site(d).siteConfig as { cors: { allowedOrigins: Value[]; supportCredentials: boolean } };
    assert.deepEqual(cors.cors, { allowedOrigins: [], supportCredentials: false }, 'no browser calls it directly');
    const settings = appSettings(d);
    assert.equal(settings.AUTH_TOKEN_HEADER, 'x-client-authorization', 'the proxy overwrites Authorization');
    assert.equal(settings.PUBLIC_BASE_URL, RUNTIME, "the static web app's address");
    const parameter = template!.parameters!.webApiMode as { allowedValues?: Value[]; defaultValue?: Value };
    assert.deepEqual(parameter.allowedValues, ['direct', 'linked']);
    assert.equal(parameter.defaultValue, 'direct');
  });

  test('the evaluator keeps deployment-time values apart', () => {
    assert.equal(appSettings(main()).COSMOS_ENDPOINT, RUNTIME);
  });
});
