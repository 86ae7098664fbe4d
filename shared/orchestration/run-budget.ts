import type { CallBudget } from '../ai/budget';
import type { AgentDoc } from '../agents/agent-model';
import type { TokenMeter, UsageService } from '../identity/usage';

/**
 * The budget of one batch of a step: every model request holds its worst case on the tenant's month, the agent's
 * month, the agent's budget in this run (when it has one) and the run's cap, all shared with the run's other steps
 * (parallel ones included), and settles to what the provider reported. The reservation id names the run, step, batch
 * and request, so a retried activity finds the reservation its first attempt made and settles it once.
 */
export function stepBudget(
  usage: Pick<UsageService, 'reserveTokens' | 'settleTokens' | 'releaseTokens'>,
  call: { tenantId: string; runId: string; stepId: string; batch: number; agent: AgentDoc; runMaxTokens: number },
): CallBudget {
  const { tenantId, runId, agent } = call;
  const meters: TokenMeter[] = [
    { kind: 'run', runId, limit: call.runMaxTokens },
    { kind: 'agentMonth', agentId: agent.id, agentName: agent.name, limit: agent.tokenBudget.perMonth },
  ];
  if (agent.tokenBudget.perRun !== null)
    meters.push({ kind: 'agentRun', agentId: agent.id, agentName: agent.name, runId, limit: agent.tokenBudget.perRun });
  return {
    async reserve({ attempt, tokens, holdForMs }) {
      const reservation = await usage.reserveTokens(tenantId, {
        id: `${tenantId}:${runId}:${call.stepId}:${call.batch}:${attempt}`,
        tokens,
        meters,
        holdForMs,
      });
      return {
        settle: (spent, costUsd) => usage.settleTokens(reservation, { ...spent, costUsd }),
        release: () => usage.releaseTokens(reservation),
      };
    },
  };
}
