/**
 * The Durable engine of the local runtime: the Durable Task extension's side of the Durable Functions protocol
 * (history, ids, timers, events, retries, the client RPC endpoints), with orchestrators replayed by the
 * durable-functions library itself through the host's invocation path. State is persisted under <dataDir>/durable/.
 */
export type { DurableEngine, RpcTypedData } from './contract.js';
export { createDurableEngine } from './engine.js';
