import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Outgoing HTTP deliveries and the webhooks that subscribe to events. A delivery is one POST
 * that must reach one URL (a webhook's event, an OpenID Connect back-channel logout token, ...);
 * every attempt at it is kept in `delivery_attempts` (what `get-webhook-logs` lists). Deliveries
 * are created in the transaction of the change they announce, or by the worker fanning an
 * outbox event out to its subscribers, so they exist if and only if that change committed.
 */
export function deliveries(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('events', t.json, (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('retry_config', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhooks_pool_created_idx').on('webhooks').columns(['pool_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        // A webhook's deliveries go with it; other kinds have none.
        .addColumn('webhook_id', 'varchar(24)', (c) => c.references('webhooks.id').onDelete('cascade'))
        .addColumn('event_id', 'varchar(24)')
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('headers', t.json, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('retry_delay_ms', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', t.time, (c) => c.notNull())
        .addColumn('locked_until', t.time)
        .addColumn('last_error', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('finished_at', t.time)
        .execute();
      await db.schema.createIndex('deliveries_due_idx').on('deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('deliveries_webhook_idx').on('deliveries').columns(['webhook_id', 'status']).execute();
      await db.schema.createIndex('deliveries_event_idx').on('deliveries').columns(['event_id']).execute();
      await db.schema.createIndex('deliveries_finished_idx').on('deliveries').columns(['status', 'finished_at']).execute();

      await db.schema
        .createTable('delivery_attempts')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('delivery_id', 'varchar(24)', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('webhook_id', 'varchar(24)')
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('request_url', 'text', (c) => c.notNull())
        .addColumn('request_headers', t.json, (c) => c.notNull())
        .addColumn('request_body', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_headers', t.json)
        .addColumn('response_body', 'text')
        .addColumn('success', 'integer', (c) => c.notNull())
        .addColumn('error_message', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        // The process that made the attempt (host:pid), to tell nodes apart.
        .addColumn('worker', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('delivery_attempts_webhook_idx').on('delivery_attempts').columns(['webhook_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('delivery_attempts_delivery_idx').on('delivery_attempts').columns(['delivery_id']).execute();
    },
  };
}
