import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Resignations scheduled for a given time (a person's last day). One row per person; at most one
 * pending row per person (a partial unique index, on both databases). Every server process looks
 * for due rows; the claim is the first statement of the transaction that performs the
 * resignation (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a conditional update under its single
 * writer), so each row is performed exactly once, and a process that dies mid-way rolls its claim
 * back with the rest.
 */
export function scheduledResignations(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('scheduled_resignations')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('id_type', 'text', (c) => c.notNull())
        .addColumn('account_kind', 'text', (c) => c.notNull())
        .addColumn('resign_at', t.time, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('performed_request_id', 'text')
        .addColumn('performed_by', 'text')
        .addColumn('finished_at', t.time)
        .addColumn('error', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scheduled_resignations_due_idx').on('scheduled_resignations').columns(['status', 'resign_at']).execute();
      await db.schema.createIndex('scheduled_resignations_pool_idx').on('scheduled_resignations').columns(['pool_id', 'resign_at', 'id']).execute();
      await sql`create unique index scheduled_resignations_pending_key on scheduled_resignations (user_id) where status = 'pending'`.execute(db);
    },
  };
}
