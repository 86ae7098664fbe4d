import type { Actor } from '../platform/audit/actor';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import type { Stored } from '../platform/cosmos/tenant-repository';
import type { EventPublisher } from '../platform/events/publisher';
import type { Page } from '../platform/http/paging';
import type { ActionRunner } from './actions';
import type { SuggestionSink } from './kinds';
import type { SuggestionDoc, SuggestionStatus } from './model';
import type { SuggestionAudit } from './suggestion-audit';
import type { SuggestionEvents } from './suggestion-events';
import type { ListQuery, SuggestionStore } from './suggestion-store';

export interface SuggestionServiceDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  events: () => EventPublisher;
  actions: () => ActionRunner;
  /** The person's own address (for the external-recipients check); undefined when unknown. */
  ownerEmail: (tenantId: string) => Promise<string | undefined>;
  expirySeconds: number;
  undoWindowSeconds: number;
  /**
   * How long the person wants an approved send held before it goes out (their undo-send setting); 0 sends at once.
   */
  sendHoldSeconds: (tenantId: string) => Promise<number>;
  log?: (message: string, err?: unknown) => void;
}

/** How a decision is given, beside who gave it (the actor). */
export interface DecisionOptions {
  /** Client's If-Match: the decision applies only to that version. */
  ifMatch?: string;
  /** Part of a bulk decision (recorded as such on the suggestion). */
  inBulk?: boolean;
}

export interface BulkItemResult {
  id: string;
  ok: boolean;
  /** HTTP-like status of this item: 200, 404, 409, 400, 412, 500. */
  status: number;
  suggestionStatus?: SuggestionStatus;
  error?: { type: string; title: string; detail: string };
}

/** What the approval orchestration needs to know to wait or act. */
export interface ApprovalState {
  status: SuggestionStatus;
  expiresAt: string;
  reminderSentAt?: string;
  /** An approved send is held until then (the person's undo window); the action is carried out after it. */
  heldUntil?: string;
}

export interface SuggestionService extends SuggestionSink {
  list(tenantId: string, query: ListQuery): Promise<Page<Stored<SuggestionDoc>>>;
  get(tenantId: string, id: string): Promise<Stored<SuggestionDoc>>;
  approve(
    tenantId: string,
    id: string,
    edits: Record<string, unknown> | undefined,
    actor: Actor,
    options?: DecisionOptions,
  ): Promise<Stored<SuggestionDoc>>;
  reject(
    tenantId: string,
    id: string,
    reason: string | undefined,
    actor: Actor,
    options?: DecisionOptions,
  ): Promise<Stored<SuggestionDoc>>;
  bulk(
    tenantId: string,
    ids: string[],
    action: 'approve' | 'reject',
    actor: Actor,
    onDecided?: (doc: Stored<SuggestionDoc>) => Promise<void>,
  ): Promise<BulkItemResult[]>;
  undo(tenantId: string, id: string, actor: Actor, ifMatch?: string): Promise<Stored<SuggestionDoc>>;
  /** Orchestration: current status and expiry. */
  approvalState(tenantId: string, id: string): Promise<ApprovalState>;
  /** Orchestration: runs the approved action exactly once; returns the final status. */
  execute(tenantId: string, id: string): Promise<SuggestionStatus>;
  /** Orchestration: the action failed for good (retries exhausted). */
  markFailed(tenantId: string, id: string, error: string): Promise<SuggestionStatus>;
  /** Orchestration: no decision before the deadline. */
  expire(tenantId: string, id: string): Promise<SuggestionStatus>;
  /** Orchestration: records that the reminder went out (once). Returns false when it was already sent or moot. */
  markReminded(tenantId: string, id: string): Promise<boolean>;
}

/** What each group of the service's operations is built from (assembled in `createSuggestionService`). */
export interface SuggestionParts {
  deps: SuggestionServiceDeps;
  store: SuggestionStore;
  audit: SuggestionAudit;
  events: SuggestionEvents;
  now: () => Date;
  log: (message: string, err?: unknown) => void;
}
