import { sql, type Kysely } from 'kysely';

/**
 * Indexes that a delivery's change of status touches as little as possible. A delivery is
 * written three or four times in its life (made, sent, settled); the indexes that named its status
 * in their key were rewritten at each settle. Now:
 * - the due index holds pending deliveries only, so a settled one leaves it and is never in it again;
 * - the pruning index holds delivered ones only, and a dead-letter index the (rare) dead ones;
 * - the webhook index no longer names the status, so a settle leaves it alone.
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
    },
  };
}
