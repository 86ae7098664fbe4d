// Embedded services bind their ports themselves: when the port they try first is taken (another program, or another
// runtime starting at the same moment), they listen on a free port instead, report the port they actually bound, and
// answer there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bindPorts, listenOn } from '../../local/host/ports';
import { createAzuriteService } from '../../local/services/azurite';
import { createCosmosService } from '../../local/services/cosmos';
import { createGoogleEmulatorService } from '../../local/services/google-emulator';
import { createSmtpSinkService } from '../../local/services/smtp-sink';
import type { EmbeddedService, EmbeddedServiceContext } from '../../local/services/types';

describe('local runtime: ports', () => {
  let dataDir: string;
  let blocker: Server;
  let taken: number;
  const running: EmbeddedService[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ports-'));
    blocker = createServer();
    taken = await listenOn(blocker, 0, '127.0.0.1');
  });
  after(async () => {
    for (const service of running) await service.stop();
    blocker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A context whose services first try the taken port for every listener. */
  function context(bound: Record<string, number>[]): EmbeddedServiceContext {
    return {
      dataDir,
      publicOrigin: 'http://localhost:1',
      settings: { BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
      log: () => undefined,
      async bindPorts(usual, bind) {
        const first = Object.fromEntries(Object.keys(usual).map((key) => [key, taken])) as typeof usual;
        const ports = await bindPorts(first, bind);
        bound.push(ports);
        return ports;
      },
    };
  }

  it('a listener whose port is taken binds a free one and says which', async () => {
    const server = createServer();
    const ports = await bindPorts({ main: taken }, async (wanted) => ({
      main: await listenOn(server, wanted.main, '127.0.0.1'),
    }));
    try {
      assert.notEqual(ports.main, taken);
      assert.equal((server.address() as { port: number }).port, ports.main);
    } finally {
      server.close();
    }
    await assert.rejects(
      bindPorts({ main: taken }, async () => {
        throw new Error('not a port problem');
      }),
      /not a port problem/,
      'other start errors are not retried',
    );
  });

  it('the SMTP sink, the Google emulator, Cosmos and Azurite answer on the ports they report', async () => {
    const bound: Record<string, number>[] = [];
    const ctx = context(bound);
    const [smtp, google, cosmos, azurite] = await Promise.all([
      createSmtpSinkService(ctx),
      createGoogleEmulatorService(ctx),
      createCosmosService(ctx),
      createAzuriteService(ctx),
    ]);
    running.push(...[smtp, google, cosmos, azurite].filter((s): s is EmbeddedService => s !== undefined));
    assert.equal(running.length, 4);
    for (const ports of bound) for (const port of Object.values(ports)) assert.notEqual(port, taken);

    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(smtp!.env.SMTP_PORT), '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString());
      });
      socket.once('error', reject);
    });
    assert.match(greeting, /^220 /);

    const discovery = await fetch(`${google!.env.GOOGLE_EMULATOR}/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, google!.env.GOOGLE_EMULATOR);

    const cosmosPort = Number(new URL(cosmos!.env.COSMOS_ENDPOINT!).port);
    assert.ok(bound.some((ports) => ports.https === cosmosPort));
    const cosmosStatus = await new Promise<number>((resolve, reject) => {
      request(cosmos!.env.COSMOS_ENDPOINT!, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .once('error', reject)
        .end();
    });
    assert.ok(cosmosStatus > 0, 'the Cosmos server answers HTTPS on its port');
    const blob = /BlobEndpoint=([^;]+)/.exec(azurite!.env.BLOB_CONNECTION_STRING!)![1]!;
    const listing = await fetch(`${blob}?comp=list`);
    assert.equal(listing.status, 403, 'Azurite answers (an unsigned request is refused)');
    assert.match(await listing.text(), /AuthorizationFailure|AuthenticationFailed/);
  });
});
