import type { ContainerName } from '../platform/cosmos/containers';
import { createDueIndex } from '../platform/cosmos/due-index';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import { holdKey, MeterFullError, type MeterLimit, type Meters } from './meters';

/** A reservation held on several meters at once (what one model call may use), settled or released as one. */
export interface Reservation {
  /** The caller's id (deterministic per call, so a retried activity finds its own reservation). */
  id: string;
  tenantId: string;
  /** The hold key on every meter (derived from `id`). */
  key: string;
  amount: number;
  meterIds: string[];
  expiresAt: string;
  /**
   * The document a counted reservation pays for (a new agent, workflow or connector). When the reservation expires
   * unsettled, the sweep charges it if the document exists (the creator died after writing it) and releases it
   * otherwise, so a crash neither leaks a slot nor leaves an item uncounted.
   */
  item?: { container: ContainerName; id: string };
}

/**
 * The index of open reservations, one document each in one partition of the `system` container, so the sweep finds
 * expired ones (a worker that died mid-call) with one indexed query instead of scanning every tenant's meters.
 */
interface ReservationDoc extends Reservation {
  pk: typeof RESERVATIONS_PK;
  ttl: number;
}

const RESERVATIONS_PK = 'reservations';

/** Reservations held on several meters at once; used by the usage service and nothing else. */
export interface Reservations {
  /**
   * Holds `amount` on every meter, or on none: when one is full, the holds already taken are released and the
   * MeterFullError of the full meter is thrown. The index document is written first, so a crash at any point leaves
   * nothing the sweep cannot find.
   */
  reserve(
    tenantId: string,
    id: string,
    amount: number,
    meters: MeterLimit[],
    expiresAt: Date,
    item?: Reservation['item'],
  ): Promise<Reservation>;
  /** Charges what the call used (at most what was held) and returns the rest. Settling twice changes nothing. */
  settle(reservation: Reservation, used: number): Promise<void>;
  /** Returns everything held (a failed or timed-out call). */
  release(reservation: Reservation): Promise<void>;
  /** Releases every reservation expired at `now` (its call never finished), at most `max`. Returns how many. */
  sweep(now: Date, max?: number): Promise<number>;
}

export interface ReservationsDeps {
  store: CosmosStore;
  meters: Meters;
}

export function createReservations({ store, meters }: ReservationsDeps): Reservations {
  const index = createDueIndex<ReservationDoc>(store, RESERVATIONS_PK, 'expiresAt');

  async function end(reservation: Reservation, used: number): Promise<void> {
    await Promise.all(
      reservation.meterIds.map((meterId) =>
        meters.settle(reservation.tenantId, meterId, reservation.key, reservation.amount, used),
      ),
    );
    await index.remove(reservation.key);
  }

  async function itemWritten({ item, tenantId }: Reservation): Promise<boolean> {
    if (!item) return false;
    return (await createTenantRepository<TenantDoc>(store, item.container, item.container).get(tenantId, item.id))
      ? true
      : false;
  }

  return {
    async reserve(tenantId, id, amount, limits, expiresAt, item) {
      const reservation: Reservation = {
        id,
        tenantId,
        key: holdKey(id),
        amount,
        meterIds: limits.map((m) => m.id),
        expiresAt: expiresAt.toISOString(),
        ...(item ? { item } : {}),
      };
      const ttl = Math.max(3_600, Math.ceil((expiresAt.getTime() - Date.now()) / 1000) + 86_400);
      await index.put({ ...reservation, id: reservation.key, pk: RESERVATIONS_PK, ttl });
      const results = await Promise.allSettled(limits.map((m) => meters.hold(tenantId, m, reservation.key, amount)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (!failed) return reservation;
      const taken = limits.filter((_, i) => results[i]!.status === 'fulfilled').map((m) => m.id);
      await end({ ...reservation, meterIds: taken }, 0);
      const full = results
        .map((r) => (r.status === 'rejected' ? r.reason : undefined))
        .find((e): e is MeterFullError => e instanceof MeterFullError);
      throw full ?? failed.reason;
    },

    settle: (reservation, used) => end(reservation, used),

    release: (reservation) => end(reservation, 0),

    async sweep(now, max = 500) {
      const resources = await index.due(now, max);
      for (const doc of resources) await end(doc, (await itemWritten(doc)) ? doc.amount : 0);
      return resources.length;
    },
  };
}
