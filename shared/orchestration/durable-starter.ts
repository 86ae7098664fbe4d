import type { DurableClient } from 'durable-functions';
import { RUN_ORCHESTRATION } from './run-orchestrator';
import type { OrchestrationStarter } from './run-service';

/** Starts run orchestrations through the Durable client (runs started by a person and by the scheduler). */
export function durableStarter(client: DurableClient): OrchestrationStarter {
  return {
    async start(instanceId, input) {
      await client.startNew(RUN_ORCHESTRATION, { instanceId, input });
    },
  };
}
