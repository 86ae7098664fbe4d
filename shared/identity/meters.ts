import { createHash } from 'node:crypto';
import type { PatchOperation } from '@azure/cosmos';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import { NotFoundError } from '../platform/errors';

/**
 * Limit meters: one small document per limited quantity (a tenant's runs today, tokens this month, an agent's tokens
 * this month, a run's tokens…) in the `usage` container, holding `used`, `reserved` and the open `holds`
 * (reservation key → amount). Every change is ONE conditional patch (Cosmos "patch with a filter predicate"): the
 * predicate and the increments are applied atomically by the store, so `used + reserved ≤ limit` holds for every meter
 * at every moment, whatever the number of instances or concurrent callers. There is no read-modify-write and no
 * retry loop on the hot path: a reservation either fits (one round trip) or answers 412 (full).
 *
 * Why conditional patch and not an ETag-guarded replace: under contention (many runs of one tenant at once) an ETag
 * loop re-reads and retries for every lost race, so latency grows with the number of concurrent callers; the filter
 * predicate never loses a race. The embedded Cosmos-API server (`@vercel/cosmosdb-server`) supports conditional
 * patch, but lower-cases the predicate text before evaluating it, so every field a predicate names is lower case
 * (`used`, `reserved`, `holds`, hold keys in lower-case hex); and it evaluates the predicate on every document with
 * the id, whatever its partition, so a meter's document id carries the tenant id too (unique in the container).
 * Azure evaluates the same predicates the same way, on the one document.
 */
export interface MeterDoc extends TenantDoc {
  type: 'limitMeter';
  /** Charged against the limit (settled reservations and counted items). */
  used: number;
  /** Reserved by calls in flight. */
  reserved: number;
  /** Open reservations: hold key → amount reserved. */
  holds: Record<string, number>;
}

/** A meter and the limit to hold it under (`null`: tracked, not limited). */
export interface MeterLimit {
  id: string;
  limit: number | null;
  /** Seconds the meter document is kept after its last write (period meters expire with their period). */
  ttl?: number;
  /** Used for a meter created now (e.g. counted from existing documents); 0 by default. */
  initial?: () => Promise<number>;
}

/** The meter that was full: what it had when the reservation was refused. */
export class MeterFullError extends Error {
  constructor(
    readonly meter: MeterLimit,
    readonly used: number,
    readonly reserved: number,
  ) {
    super(`meter ${meter.id} is full (${used} used + ${reserved} reserved of ${meter.limit})`);
    this.name = 'MeterFullError';
  }
}

const docId = (tenantId: string, meterId: string) => `${meterId}@${tenantId}`;

/** Lower-case hex, so the key survives the embedded server's lower-casing of predicates. */
export const holdKey = (reservationId: string) =>
  `h${createHash('sha256').update(reservationId).digest('hex').slice(0, 24)}`;

/** The atomic operations on meters; used by the usage service (tiers, periods) and nothing else. */
export interface Meters {
  read(tenantId: string, id: string): Promise<MeterDoc | undefined>;
  /** Adds `amount` to `used` if it fits; otherwise throws MeterFullError. */
  take(tenantId: string, meter: MeterLimit, amount: number): Promise<void>;
  /**
   * Gives back what was counted (an item deleted, a start that did not happen); never below zero. A meter that does
   * not exist yet is left alone: when it is created it counts what exists then.
   */
  giveBack(tenantId: string, meter: MeterLimit, amount: number): Promise<void>;
  /**
   * Holds `amount` under the reservation's key if it fits. A key already held (a retried activity) is kept as it is
   * and counts as reserved: one key is reserved at most once, so it is settled at most once.
   */
  hold(tenantId: string, meter: MeterLimit, key: string, amount: number): Promise<void>;
  /**
   * Ends a hold: the reserved amount is returned and `charge` (at most what was held) is added to `used`, in one
   * conditional patch on the hold being there with that amount, so settling twice changes nothing the second time.
   * Returns whether this call settled it.
   */
  settle(tenantId: string, meterId: string, key: string, held: number, charge: number): Promise<boolean>;
}

export function createMeters(store: CosmosStore): Meters {
  const repo = createTenantRepository<MeterDoc>(store, 'usage', 'usage meter');

  const read = (tenantId: string, id: string) => repo.get(tenantId, docId(tenantId, id));

  /** One conditional patch; a missing meter is created (at its initial value) and the patch tried again. */
  async function patch(tenantId: string, meter: MeterLimit, condition: string, ops: PatchOperation[]) {
    const id = docId(tenantId, meter.id);
    try {
      return await repo.patchWhere(tenantId, id, condition, ops);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    const used = meter.initial ? await meter.initial() : 0;
    await repo.createIfAbsent({
      id,
      tenantId,
      type: 'limitMeter',
      used,
      reserved: 0,
      holds: {},
      ...(meter.ttl ? { ttl: meter.ttl } : {}),
    });
    return repo.patchWhere(tenantId, id, condition, ops);
  }

  async function full(tenantId: string, meter: MeterLimit): Promise<MeterFullError> {
    const doc = await read(tenantId, meter.id);
    return new MeterFullError(meter, doc?.used ?? 0, doc?.reserved ?? 0);
  }

  return {
    read,

    async take(tenantId, meter, amount) {
      const fits = meter.limit === null ? 'true' : `c.used + c.reserved + ${amount} <= ${meter.limit}`;
      const ok = await patch(tenantId, meter, `from c where ${fits}`, [{ op: 'incr', path: '/used', value: amount }]);
      if (!ok) throw await full(tenantId, meter);
    },

    async giveBack(tenantId, meter, amount) {
      try {
        await repo.patchWhere(tenantId, docId(tenantId, meter.id), `from c where c.used >= ${amount}`, [
          { op: 'incr', path: '/used', value: -amount },
        ]);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    },

    async hold(tenantId, meter, key, amount) {
      const fits = meter.limit === null ? '' : ` and c.used + c.reserved + ${amount} <= ${meter.limit}`;
      const ok = await patch(tenantId, meter, `from c where not is_defined(c.holds.${key})${fits}`, [
        { op: 'incr', path: '/reserved', value: amount },
        { op: 'add', path: `/holds/${key}`, value: amount },
      ]);
      if (ok) return;
      const doc = await read(tenantId, meter.id);
      if (doc?.holds[key] !== undefined) return;
      throw new MeterFullError(meter, doc?.used ?? 0, doc?.reserved ?? 0);
    },

    async settle(tenantId, meterId, key, held, charge) {
      for (let amount = held, attempt = 0; attempt < 3; attempt++) {
        const ops: PatchOperation[] = [
          { op: 'incr', path: '/reserved', value: -amount },
          { op: 'remove', path: `/holds/${key}` },
        ];
        const charged = Math.max(0, Math.min(amount, Math.round(charge)));
        if (charged > 0) ops.push({ op: 'incr', path: '/used', value: charged });
        try {
          const id = docId(tenantId, meterId);
          if (await repo.patchWhere(tenantId, id, `from c where c.holds.${key} = ${amount}`, ops)) return true;
        } catch (err) {
          if (err instanceof NotFoundError) return false;
          throw err;
        }
        // Held with another amount (an earlier attempt of the same call reserved it): settle what is really held.
        const actual = (await read(tenantId, meterId))?.holds[key];
        if (actual === undefined) return false;
        amount = actual;
      }
      return false;
    },
  };
}
