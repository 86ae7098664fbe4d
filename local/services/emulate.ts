/**
 * Starts an `@inbox-zero/emulate` emulator on a loopback port bound without a race.
 *
 * The emulator takes a port number, builds its URLs from it and hands it to `server.listen()`. Choosing a free number
 * and letting the emulator bind it later leaves a window in which another process can take it (and an emulator whose
 * port is taken crashes the process: its server has no error listener). So the runtime binds the port itself and
 * passes the bound listener in place of the number: Node's `server.listen(handle)` accepts a listening server, and
 * the listener turns into its port number wherever the emulator writes it into a URL.
 */
import { createServer, type Server } from 'node:net';
import type { Emulator, EmulatorOptions } from '@inbox-zero/emulate';
import { listenOn } from '../host/ports';
import type { EmbeddedServiceContext } from './types';

const CLOSE_TIMEOUT_MS = 2_000;

export interface RunningEmulator {
  url: string;
  stop(): Promise<void>;
}

export async function startEmulator(
  ctx: EmbeddedServiceContext,
  service: EmulatorOptions['service'],
  usualPort: number,
  seed: EmulatorOptions['seed'],
): Promise<RunningEmulator> {
  const { createEmulator } = await import('@inbox-zero/emulate');
  let emulator: Emulator | undefined;
  await ctx.bindPorts({ http: usualPort }, async (wanted) => {
    const listener: Server = createServer();
    const port = await listenOn(listener, wanted.http, '127.0.0.1');
    const portLike = Object.assign(listener, { [Symbol.toPrimitive]: () => port });
    try {
      emulator = await createEmulator({ service, port: portLike as unknown as number, seed });
    } catch (err) {
      listener.close();
      throw err;
    }
    if (emulator.url.replace(/\/$/, '') !== `http://localhost:${port}`) {
      await emulator.close();
      throw new Error(`The ${service} emulator did not take the port it was given (it reports ${emulator.url}).`);
    }
    return { http: port };
  });
  const running = emulator!;
  return {
    url: running.url.replace(/\/$/, ''),
    // Closing waits for open connections (an app's keep-alive connections can stay open for a while): bounded.
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      });
      await Promise.race([running.close().catch(() => undefined), waited]);
      clearTimeout(timer);
    },
  };
}
