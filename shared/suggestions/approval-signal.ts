import type { DurableClient } from 'durable-functions';
import type { Logger } from '../platform/logging';
import type { ApprovalInput } from './approval-activities';
import { APPROVAL_ORCHESTRATOR, DECISION_EVENT, approvalInstanceId } from './approval-orchestrator';
import type { SuggestionDoc } from './model';

function statusCode(err: unknown): number | undefined {
  const text = err instanceof Error ? err.message : String(err);
  const match = /\b(404|409|410)\b/.exec(text);
  const code =
    (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : match ? Number(match[1]) : undefined;
}

/** Starts the approval wait for a suggestion unless it already exists (redelivered events start nothing new). */
export async function startApprovalWait(client: DurableClient, input: ApprovalInput): Promise<'started' | 'exists'> {
  const instanceId = approvalInstanceId(input.tenantId, input.suggestionId);
  const status = await client.getStatus(instanceId).catch(() => undefined);
  if (status && status.runtimeStatus) return 'exists';
  try {
    await client.startNew(APPROVAL_ORCHESTRATOR, { instanceId, input });
    return 'started';
  } catch (err) {
    if (statusCode(err) === 409) return 'exists'; // started concurrently
    throw err;
  }
}

/**
 * Tells the suggestion's approval wait that a decision was stored. If the wait has not started yet (the event that
 * starts it is still in flight), it is started here; it reads the decision from the suggestion on its first step.
 */
async function signalDecision(
  client: DurableClient,
  input: ApprovalInput,
  decision: 'approve' | 'reject',
): Promise<void> {
  const instanceId = approvalInstanceId(input.tenantId, input.suggestionId);
  try {
    await client.raiseEvent(instanceId, DECISION_EVENT, { decision });
    return;
  } catch (err) {
    if (statusCode(err) !== 404 && !/not found|does not exist|no instance/i.test(String(err))) throw err;
  }
  if ((await startApprovalWait(client, input)) === 'exists') {
    await client.raiseEvent(instanceId, DECISION_EVENT, { decision });
  }
}

/**
 * After a decision (web, bulk or an email link): lets the suggestion's approval wait know. The decision is already
 * stored, so a signal that fails is only logged; the wait finds the decision at its deadline and carries it out.
 */
export async function signalDecisionOrLog(
  client: DurableClient,
  decided: Pick<SuggestionDoc, 'tenantId' | 'id' | 'decision'>,
  reminderBeforeSeconds: number,
  log: Pick<Logger, 'warn'>,
): Promise<void> {
  try {
    await signalDecision(
      client,
      { tenantId: decided.tenantId, suggestionId: decided.id, reminderBeforeSeconds },
      decided.decision?.decision ?? 'approve',
    );
  } catch (err) {
    log.warn(`could not signal the approval wait of ${decided.id}`, { error: (err as Error).message });
  }
}
