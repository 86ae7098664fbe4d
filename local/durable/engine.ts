import type { DurableEngine, DurableEngineOptions } from './index.js';

export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  void options;
  throw new Error('The durable engine is being built');
}
