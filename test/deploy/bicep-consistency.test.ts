/**
 * bicep/ must deploy what the code expects: every setting the config schema reads, every Cosmos container with its
 * partition key, indexing and TTL, every Service Bus subscription a function listens on; and nothing the code does
 * not read. Read as text, so these run without the .NET SDK too; arm-template.test.ts checks the template the Bicep
 * CLI compiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettings, settingsSchema } from '../../shared/platform/config';
import { isLocalOnlySetting } from '../../shared/platform/config/env';
import { CONTAINERS, type ContainerDef } from '../../shared/platform/cosmos/containers';
import { bicepFiles, literalValue, moduleCalls, objectKeys, objectStringValues, params } from '../support/bicep-text';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bicepDir = join(root, 'bicep');
const files = bicepFiles(bicepDir);
const main = readFileSync(join(bicepDir, 'main.bicep'), 'utf8');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

/** Function registrations and shared code: binding connection names, %SETTING% references, topic subscriptions. */
const appSource = [...sourceFiles(join(root, 'functions')), ...sourceFiles(join(root, 'shared'))].join('\n');
const hostJson = readFileSync(join(root, 'host.json'), 'utf8');

const schemaSettings = Object.entries(settingsSchema.shape);
const localOnly = new Set(
  schemaSettings.filter(([, schema]) => isLocalOnlySetting(schema as never)).map(([name]) => name),
);
const deployed = new Set(schemaSettings.map(([name]) => name).filter((name) => !localOnly.has(name)));

/** Identity-based connections: named in bindings (`connection: 'X'`), host.json, or as `X__property` settings. */
const bindingConnections = new Set([
  ...schemaSettings
    .map(([name]) => name.split('__'))
    .filter((parts) => parts.length > 1)
    .map((parts) => parts[0]!),
  ...[...appSource.matchAll(/\bconnection:\s*['"]([A-Za-z0-9_]+)['"]/g)].map((m) => m[1]!),
  ...[...hostJson.matchAll(/"connection(?:String)?Name"\s*:\s*"([A-Za-z0-9_]+)"/g)].map((m) => m[1]!),
]);
const percentReferences = new Set(
  [...`${appSource}\n${hostJson}`.matchAll(/%([A-Za-z][A-Za-z0-9_]*)%/g)].map((m) => m[1]!),
);

/** Settings the Functions host itself (not our code) reads. */
function isHostSetting(name: string): boolean {
  return (
    name.startsWith('FUNCTIONS_') ||
    name === 'AzureWebJobsStorage' ||
    name.startsWith('AzureWebJobsStorage__') ||
    name.startsWith('APPLICATIONINSIGHTS_') ||
    [...bindingConnections].some((c) => name === c || name.startsWith(`${c}__`))
  );
}

function isReadByCode(name: string): boolean {
  return (
    settingsSchema.shape[name as keyof typeof settingsSchema.shape] !== undefined ||
    percentReferences.has(name) ||
    isHostSetting(name)
  );
}

function writtenAppSettings(): string[] {
  const found = files.map((f) => objectKeys(f.source, 'appSettings')).filter((k): k is string[] => k !== undefined);
  assert.equal(
    found.length,
    1,
    'exactly one bicep file declares `var appSettings = { ... }` (the function app settings)',
  );
  return found[0]!;
}

test('bicep writes every app setting the code reads in Azure', () => {
  const written = new Set(writtenAppSettings());
  const missing = [...deployed].filter((name) => !written.has(name));
  assert.deepEqual(
    missing,
    [],
    `settings the config schema reads that bicep/main.bicep does not write (add them to appSettings, or mark them localOnly() in shared/platform/config if they only make sense locally): ${missing.join(', ')}`,
  );
  const percentMissing = [...percentReferences].filter((name) => !written.has(name) && !isHostSetting(name));
  assert.deepEqual(
    percentMissing,
    [],
    `%SETTING% references in host.json or functions/ that bicep does not write: ${percentMissing.join(', ')}`,
  );
});

test('bicep writes no app setting the code does not read, and no local-only one', () => {
  const written = writtenAppSettings();
  const unread = written.filter((name) => !isReadByCode(name));
  assert.deepEqual(unread, [], `app settings bicep writes that nothing reads: ${unread.join(', ')}`);
  const local = written.filter((name) => localOnly.has(name));
  assert.deepEqual(local, [], `bicep writes local-only settings: ${local.join(', ')}`);
  const duplicates = written.filter((name, i) => written.indexOf(name) !== i);
  assert.deepEqual(duplicates, [], 'each app setting is written once');
});

test('the fixed values bicep writes are valid settings', () => {
  const values = files.map((f) => objectStringValues(f.source, 'appSettings')).find((v) => v !== undefined)!;
  const env: Record<string, string> = { ...values };
  // Values computed at deployment (endpoints, ids) are stood in for by well-formed examples.
  for (const name of writtenAppSettings()) {
    if (env[name] === undefined && /(_URL|_ENDPOINT|_ISSUER|_URI|_AUTHORITY)$/.test(name))
      env[name] = 'https://example.azure.net/';
  }
  const settings = loadSettings(env);
  assert.equal(settings.APP_ENV, 'azure');
  assert.equal(settings.EVENTS_MODE, 'servicebus');
});

test('bicep app settings carry no keys or connection strings', () => {
  const lines = main.split('\n');
  const offending = lines.filter((line) =>
    /AccountKey=|SharedAccessKey|listKeys\(|\.listConnectionStrings\(|primaryKey/.test(line),
  );
  assert.deepEqual(offending, [], 'identity-based access only');
});

test('every service is reached with the app identity only: local auth off, data-plane roles, nothing broader', () => {
  const source = (name: string) => readFileSync(join(bicepDir, 'modules', name), 'utf8');
  assert.match(source('storage.bicep'), /allowSharedKeyAccess: false/);
  assert.match(source('storage.bicep'), /allowBlobPublicAccess: false/);
  assert.match(source('cosmos.bicep'), /disableLocalAuth: true/);
  assert.match(source('service-bus.bicep'), /disableLocalAuth: true/);
  assert.match(source('openai.bicep'), /disableLocalAuth: true/);
  assert.match(source('monitoring.bicep'), /DisableLocalAuth: true/);
  assert.match(source('key-vault.bicep'), /enableRbacAuthorization: true/);
  assert.doesNotMatch(source('key-vault.bicep'), /accessPolicies/);
  const roles = source('roles.bicep');
  const expected = {
    'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    'Azure Service Bus Data Sender': '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
    'Azure Service Bus Data Receiver': '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
    'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
    'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
    'Cognitive Services OpenAI User': '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
    'Cosmos DB Built-in Data Contributor': 'sqlRoleDefinitions/00000000-0000-0000-0000-000000000002',
  };
  for (const [role, id] of Object.entries(expected)) assert.ok(roles.includes(id), `roles.bicep grants ${role}`);
  const broad = [
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  ];
  for (const file of files) {
    for (const id of broad)
      assert.ok(!file.source.includes(id), `${file.path} grants Owner, Contributor or User Access Administrator`);
    if (!file.path.endsWith('roles.bicep')) {
      assert.doesNotMatch(
        file.source,
        /roleAssignments@/,
        `${file.path}: role assignments belong in modules/roles.bicep`,
      );
    }
  }
  assert.match(main, /AzureWebJobsStorage__credential: 'managedidentity'/);
  assert.match(main, /ServiceBusConnection__credential: 'managedidentity'/);
});

test('local.settings.sample.json lists only settings the code reads', () => {
  const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  const unread = Object.keys(sample.Values).filter((name) => !isReadByCode(name));
  assert.deepEqual(unread, [], `local.settings.sample.json names nothing reads: ${unread.join(', ')}`);
});

interface BicepContainer {
  name: string;
  partitionKey: string;
  defaultTtl?: number;
  excludedPaths?: string[];
  compositeIndexes?: { path: string; order: string }[][];
}

test('bicep creates every Cosmos container of containers.ts with its partition key, indexing and TTL', () => {
  const declared = files.map((f) => literalValue(f.source, 'cosmosContainers')).filter((v) => v !== undefined);
  assert.equal(declared.length, 1, 'exactly one bicep file declares `var cosmosContainers = [ ... ]`');
  const inBicep = declared[0] as unknown as BicepContainer[];
  const byName = new Map(inBicep.map((c) => [c.name, c]));
  for (const def of Object.values(CONTAINERS) as ContainerDef[]) {
    const c = byName.get(def.name);
    assert.ok(c, `bicep does not create the Cosmos container "${def.name}"`);
    assert.equal(c.partitionKey, def.partitionKey, `partition key of "${def.name}"`);
    assert.equal(c.defaultTtl, def.defaultTtl, `defaultTtl of "${def.name}"`);
    assert.deepEqual(c.excludedPaths ?? [], def.excludedPaths ?? [], `excluded index paths of "${def.name}"`);
    assert.deepEqual(c.compositeIndexes ?? [], def.compositeIndexes ?? [], `composite indexes of "${def.name}"`);
  }
  const codeNames = new Set(Object.values(CONTAINERS).map((c) => c.name));
  const extra = inBicep.map((c) => c.name).filter((name) => !codeNames.has(name));
  assert.deepEqual(extra, [], `bicep creates containers the code does not use: ${extra.join(', ')}`);
});

test('bicep creates exactly the Service Bus subscriptions the app listens on', () => {
  const declared = files.map((f) => literalValue(f.source, 'eventSubscriptions')).filter((v) => v !== undefined);
  assert.equal(declared.length, 1, 'exactly one bicep file declares `var eventSubscriptions = [ ... ]`');
  const inBicep = new Set(declared[0] as string[]);
  const used = [...appSource.matchAll(/\bsubscriptionName:\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const missing = used.filter((name) => !inBicep.has(name));
  assert.deepEqual(
    missing,
    [],
    `subscriptions used by serviceBusTopic functions that bicep does not create: ${missing.join(', ')}`,
  );
  // A subscription nobody reads fills up with every event until its messages expire.
  const unused = [...inBicep].filter((name) => !used.includes(name));
  assert.deepEqual(unused, [], `bicep creates subscriptions no function reads: ${unused.join(', ')}`);
});

test('every bicep parameter has a description, and modules get every parameter they require', () => {
  for (const file of files) {
    for (const p of params(file.source)) {
      assert.ok(p.decorators.includes('description'), `${file.path}: param ${p.name} has no @description`);
    }
  }
  const calls = moduleCalls(main);
  assert.ok(calls.length >= 8, 'main.bicep composes the modules');
  for (const call of calls) {
    const path = join(bicepDir, call.path);
    assert.ok(existsSync(path), `module ${call.symbol}: ${call.path} exists`);
    const declaredParams = params(readFileSync(path, 'utf8'));
    const names = new Set(declaredParams.map((p) => p.name));
    const unknown = call.paramNames.filter((n) => !names.has(n));
    assert.deepEqual(unknown, [], `module ${call.symbol} passes parameters ${call.path} does not declare`);
    const required = declaredParams.filter((p) => !p.hasDefault).map((p) => p.name);
    const notPassed = required.filter((n) => !call.paramNames.includes(n));
    assert.deepEqual(notPassed, [], `module ${call.symbol} does not pass required parameters of ${call.path}`);
  }
});

test('azd passes main.bicep every parameter it requires, and only parameters it declares', () => {
  const file = JSON.parse(readFileSync(join(bicepDir, 'main.parameters.json'), 'utf8')) as {
    parameters: Record<string, unknown>;
  };
  const declared = params(main);
  const names = new Set(declared.map((p) => p.name));
  const unknown = Object.keys(file.parameters).filter((n) => !names.has(n));
  assert.deepEqual(unknown, [], 'main.parameters.json names parameters main.bicep does not declare');
  const missing = declared.filter((p) => !p.hasDefault && !(p.name in file.parameters)).map((p) => p.name);
  assert.deepEqual(missing, [], 'required parameters of main.bicep that azd would not pass');
  const azure = readFileSync(join(root, 'azure.yaml'), 'utf8');
  assert.match(azure, /^\s+path: bicep$/m);
  for (const service of ['api', 'web']) {
    assert.match(
      main,
      new RegExp(`'azd-service-name': '${service}'`),
      `a resource is tagged for the ${service} service`,
    );
    assert.match(azure, new RegExp(`^  ${service}:$`, 'm'), `azure.yaml deploys ${service}`);
  }
});

test('the bicep reader understands the constructs it checks', () => {
  const sample = [
    'var appSettings = {',
    "  A: 'x' // comment",
    "  'B__c': cond ? '${x}' : ''",
    '  C: {',
    '    nested: 1',
    '  }',
    '}',
    'var list = [',
    "  { name: 'a', ttl: -1, paths: [ '/x/*' ] }",
    '  {',
    "    name: 'b'",
    '  }',
    ']',
  ].join('\n');
  assert.deepEqual(objectKeys(sample, 'appSettings'), ['A', 'B__c', 'C']);
  assert.deepEqual(literalValue(sample, 'list'), [{ name: 'a', ttl: -1, paths: ['/x/*'] }, { name: 'b' }]);
  assert.throws(() => literalValue('var x = [ foo ]', 'x'), /expression foo/);
});
