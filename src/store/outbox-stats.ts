import type { Db } from './database.js';
import { statusIs } from './deliveries.js';

/** Events not yet delivered, across pools, and when the oldest of them was written. */
export async function pendingEvents(db: Db): Promise<{ count: number; oldestCreatedAt: string | null }> {
  const row = await db
    .selectFrom('event_outbox')
    .where('delivered_at', 'is', null)
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestCreatedAt: (row.oldest as string | null) ?? null };
}

/** Deliveries still to be sent (first try or a retry), across pools, and when the oldest was made. */
export async function pendingDeliveries(db: Db): Promise<{ count: number; oldestCreatedAt: string | null }> {
  const row = await db
    .selectFrom('deliveries')
    .where(statusIs('pending'))
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestCreatedAt: (row.oldest as string | null) ?? null };
}
