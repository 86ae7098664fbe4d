/**
 * Embedded Azure Storage: Azurite (blob, queue, table) as a child process with its data under `<data>/azurite/`,
 * on ports chosen at start. The app gets connection strings naming the actual endpoints. Skipped when neither
 * BLOB_CONNECTION_STRING nor AzureWebJobsStorage points at local storage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isLoopback } from '../host/ports';
import type { EmbeddedServiceFactory } from './types';

const ACCOUNT = 'devstoreaccount1';
/** Azurite's well-known development account key (public). */
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** True for `UseDevelopmentStorage=true` and for connection strings whose endpoints are on this machine. */
function isLocalStorage(connection: string | undefined): boolean {
  if (!connection) return false;
  if (/UseDevelopmentStorage\s*=\s*true/i.test(connection)) return true;
  const endpoints = [...connection.matchAll(/(?:Blob|Queue|Table)Endpoint\s*=\s*([^;]+)/gi)].map((m) => m[1]!);
  return endpoints.length > 0 && endpoints.every((e) => isLoopback(e));
}

export function storageConnectionString(ports: { blob: number; queue: number; table: number }): string {
  return (
    [
      'DefaultEndpointsProtocol=http',
      `AccountName=${ACCOUNT}`,
      `AccountKey=${ACCOUNT_KEY}`,
      `BlobEndpoint=http://127.0.0.1:${ports.blob}/${ACCOUNT}`,
      `QueueEndpoint=http://127.0.0.1:${ports.queue}/${ACCOUNT}`,
      `TableEndpoint=http://127.0.0.1:${ports.table}/${ACCOUNT}`,
    ].join(';') + ';'
  );
}

interface Ports {
  blob: number;
  queue: number;
  table: number;
}

/** A port Azurite could not bind: the error carries EADDRINUSE, so bindPorts tries again on free ports. */
function portTaken(message: string): Error {
  return Object.assign(new Error(`Azurite: ${message}`), { code: 'EADDRINUSE' });
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:\s]+:(\d+)/g;

/** Starts Azurite on these ports (0 = any free one); resolves once all three listen, with the ports they bound. */
async function launch(entry: string, location: string, ports: Ports) {
  const args = [
    '--require',
    join(__dirname, 'azurite-watchdog.cjs'),
    entry,
    '--location',
    location,
    '--silent',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(ports.blob),
    '--queueHost',
    '127.0.0.1',
    '--queuePort',
    String(ports.queue),
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    String(ports.table),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within 60 s:\n${output}`)), 60_000);
      const check = () => {
        const bound = Object.fromEntries(
          [...output.matchAll(LISTENING)].map((m) => [m[1]!.toLowerCase(), Number(m[2])]),
        );
        if (bound.blob && bound.queue && bound.table) {
          clearTimeout(timer);
          Object.assign(ports, bound);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        const taken = /EADDRINUSE[^\n]*/.exec(output);
        reject(taken ? portTaken(taken[0]) : new Error(`Azurite exited (code ${code}) while starting:\n${output}`));
      });
    });
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  }
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.removeAllListeners('data');
  return { child, exited, ports };
}

export const createAzuriteService: EmbeddedServiceFactory = async (ctx) => {
  const names = ['BLOB_CONNECTION_STRING', 'AzureWebJobsStorage'].filter((n) => isLocalStorage(ctx.settings[n]));
  if (names.length === 0) {
    ctx.log('Storage: no setting points at local storage (no Azurite).');
    return undefined;
  }
  const location = join(ctx.dataDir, 'azurite');
  mkdirSync(location, { recursive: true });
  const entry = createRequire(__filename).resolve('azurite/dist/src/azurite.js');
  // Azurite binds the ports itself (0 = any free one) and prints the ones it bound.
  let started: { child: ChildProcess; exited: Promise<number | null>; ports: Ports } | undefined;
  await ctx.bindPorts({ blob: 10000, queue: 10001, table: 10002 }, async (wanted) => {
    started = await launch(entry, location, { ...wanted });
    return started.ports;
  });
  const { child, exited, ports } = started!;
  child.stderr!.on('data', (chunk: Buffer) => ctx.log(`Azurite: ${chunk.toString().trim()}`));

  const connection = storageConnectionString(ports);
  const env: Record<string, string> = { AZURITE_BLOB_ENDPOINT: `http://127.0.0.1:${ports.blob}/${ACCOUNT}` };
  for (const name of names) env[name] = connection;

  return {
    name: 'azurite',
    env,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
};
