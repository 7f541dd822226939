import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * The admin audit log, the event outbox and public accounts. A public account is a `users` row
 * with `account_type = 'public_account'`, so every relation table (departments, roles, groups,
 * posts, authorizations) and every lifecycle rule applies to it unchanged.
 */
export function audit(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      // No foreign key to users or access keys: the log must outlive what it speaks of.
      await db.schema
        .createTable('admin_audit_logs')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('operation_type', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text')
        .addColumn('target_ids', t.json, (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('success', 'integer', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('api_code', 'integer')
        .addColumn('message', 'text')
        .addColumn('detail', t.json)
        .addColumn('client_ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('admin_audit_logs_pool_created_idx').on('admin_audit_logs').columns(['pool_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('admin_audit_logs_pool_request_idx').on('admin_audit_logs').columns(['pool_id', 'request_id']).execute();

      // One row per target so "everything done to user X" is an index lookup, not a JSON scan.
      await db.schema
        .createTable('admin_audit_log_targets')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('log_id', 'varchar(24)', (c) => c.notNull().references('admin_audit_logs.id').onDelete('cascade'))
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('admin_audit_log_targets_pkey', ['log_id', 'target_id'])
        .execute();
      await db.schema.createIndex('admin_audit_log_targets_target_idx').on('admin_audit_log_targets').columns(['pool_id', 'target_id']).execute();

      await db.schema
        .createTable('event_outbox')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', t.json, (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('delivered_at', t.time)
        .execute();
      await db.schema.createIndex('event_outbox_pending_idx').on('event_outbox').columns(['delivered_at', 'created_at']).execute();
      await db.schema.createIndex('event_outbox_pool_created_idx').on('event_outbox').columns(['pool_id', 'created_at']).execute();

      await db.schema
        .alterTable('users')
        .addColumn('account_type', 'text', (c) => c.notNull().defaultTo('user'))
        .execute();
      await db.schema.createIndex('users_pool_type_created_idx').on('users').columns(['pool_id', 'account_type', 'created_at']).execute();

      await db.schema
        .createTable('public_account_bindings')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('public_account_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('public_account_bindings_pkey', ['public_account_id', 'user_id'])
        .execute();
      await db.schema.createIndex('public_account_bindings_user_idx').on('public_account_bindings').columns(['user_id']).execute();
    },
  };
}
