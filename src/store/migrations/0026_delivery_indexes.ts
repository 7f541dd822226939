import { sql, type Kysely } from 'kysely';

/**
 * Indexes that a delivery's change of status touches as little as possible. A delivery is
 * written three or four times in its life (made, sent, settled); the indexes that named its status
 * in their key were rewritten at each settle. Now:
 * - the due index holds pending deliveries only, so a settled one leaves it and is never in it again;
 * - the pruning index holds delivered ones only, and a dead-letter index the (rare) dead ones;
 * - the webhook index no longer names the status, so a settle leaves it alone;
 * - the outbox's pending index holds the events not yet dispatched, in the order they are taken
 *   (created_at, id): the old one, on (delivered_at, created_at), could not give that order, so
 *   each take sorted every pending event (tens of milliseconds per take under a backlog of
 *   thousands on PostgreSQL). Dispatched ones are indexed apart, by when, for pruning.
 * Queries on these indexes compare `status` with a literal (not a bound parameter): that is what
 * lets SQLite, and a generic plan of a prepared statement on PostgreSQL, use a partial index.
 */
export function deliveryIndexes() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      for (const name of ['deliveries_due_idx', 'deliveries_finished_idx', 'deliveries_webhook_idx']) await db.schema.dropIndex(name).execute();
      await db.schema.createIndex('deliveries_pending_idx').on('deliveries').column('next_attempt_at').where(sql.ref('status'), '=', sql.lit('pending')).execute();
      await db.schema.createIndex('deliveries_delivered_idx').on('deliveries').column('finished_at').where(sql.ref('status'), '=', sql.lit('delivered')).execute();
      await db.schema.createIndex('deliveries_dead_idx').on('deliveries').column('pool_id').where(sql.ref('status'), '=', sql.lit('dead')).execute();
      await db.schema.createIndex('deliveries_webhook_idx').on('deliveries').column('webhook_id').execute();
      await db.schema.dropIndex('event_outbox_pending_idx').execute();
      await db.schema.createIndex('event_outbox_pending_idx').on('event_outbox').columns(['created_at', 'id']).where(sql.ref('delivered_at'), 'is', null).execute();
      await db.schema.createIndex('event_outbox_dispatched_idx').on('event_outbox').column('delivered_at').where(sql.ref('delivered_at'), 'is not', null).execute();
    },
  };
}
