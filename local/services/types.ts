import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the runtime gives an embedded service when starting it. */
export interface EmbeddedServiceContext {
  /** The runtime's data folder (each service keeps its files in a subfolder named after itself). */
  dataDir: string;
  /** Public origin of the runtime, e.g. http://localhost:7071. */
  publicOrigin: string;
  /**
   * Binds the service's listeners without a race for ports: `usual` names each listener with its usual port; `bind`
   * gets the ports to try (the usual ones for `npm start`, the last run's with `--ports reuse`, 0 = any free port)
   * and resolves to the ports it actually bound. When a port is taken (EADDRINUSE), `bind` runs again with 0s.
   */
  bindPorts<K extends string>(
    usual: Record<K, number>,
    bind: (ports: Record<K, number>) => Promise<Record<K, number>>,
  ): Promise<Record<K, number>>;
  log(msg: string): void;
  /** The app settings as loaded (local.settings.json Values, overrides applied). */
  settings: Record<string, string>;
}

/** A part the runtime starts next to the app (stores, emulators, the dev sign-in issuer). */
export interface EmbeddedService {
  name: string;
  /** App settings it contributes (endpoints, ports); merged over the loaded settings. */
  env: Record<string, string>;
  /** Lines for the start-up summary (what a person needs to use it). */
  summary?: string[];
  /** Extra routes on the app port, e.g. /dev/oidc/*, /dev/mail/*. Resolves true when it answered the request. */
  handle?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Persists what it keeps and stops. */
  stop(): Promise<void>;
}

export type EmbeddedServiceFactory = (ctx: EmbeddedServiceContext) => Promise<EmbeddedService | undefined>;
