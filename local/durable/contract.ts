/** The engine's contract with the runtime that hosts it, and with its own HTTP management API. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Instance, RuntimeStatus } from './model.js';

/** The worker protocol's typed value (one field set). */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  int?: number | string | null;
  double?: number | null;
  http?: unknown;
}

export interface DurableEngineOptions {
  /** The runtime's data folder; the engine persists under <dataDir>/durable/. */
  dataDir: string;
  hubName: string;
  /** Registered function names by trigger type. */
  orchestrators: string[];
  activities: string[];
  /**
   * Runs a registered function with its trigger input ({string: JSON} for orchestrators, {json} for activities)
   * through the host's faithful invocation path; resolves to its returnValue; rejects with the handler's error.
   */
  invoke(functionName: string, triggerData: RpcTypedData): Promise<RpcTypedData | undefined>;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface DurableEngine {
  /** Loads persisted state and resumes pending work (orchestrations, activities, timers). */
  start(): Promise<void>;
  /** Graceful: stops taking work, lets in-flight work finish (or be re-run after restart), persists. */
  stop(): Promise<void>;
  /** The durableClient input binding data for a client whose host answers at `origin` (e.g. http://localhost:7071). */
  clientBindingData(origin: string): Record<string, unknown>;
  /**
   * Serves a Durable HTTP API request; `path` is what follows /runtime/webhooks/durabletask/ (the rpcBaseUrl is
   * `${origin}/runtime/webhooks/durabletask/`). Resolves false when the path is not one of the engine's routes.
   */
  handleHttp(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

/** A filter on the instances the management API lists or purges. */
export interface InstanceQuery {
  createdTimeFrom?: number;
  createdTimeTo?: number;
  runtimeStatus?: RuntimeStatus[];
  instanceIdPrefix?: string;
}

/** What the HTTP management API needs of the engine. */
export interface ManagedInstances {
  readonly hubName: string;
  readonly options: DurableEngineOptions;
  getInstance(instanceId: string): Instance | undefined;
  queryInstances(query: InstanceQuery): Instance[];
  startNew(name: string, instanceId: string | undefined, inputJson: string | null): Instance;
  raiseEvent(instanceId: string, eventName: string, dataJson: string | null): void;
  terminate(instanceId: string, reason: string): void;
  suspend(instanceId: string, reason: string): void;
  resume(instanceId: string, reason: string): void;
  purge(instanceIds: string[]): number;
}
