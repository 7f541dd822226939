import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Who may sign in to an application: a default strategy on the application (ALLOW_ALL or
 * DENY_ALL) and ALLOW/DENY rules for users, roles, groups and departments (ORG). A rule for a
 * user carries user_id, so it cascades with the user and resignation finds it by index; rules
 * for the other subjects are removed by the service that deletes the subject. Also an index
 * for listing users by status in the order they reached it (list-archived-users).
 */
export function applicationAccess(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('applications').addColumn('permission_strategy', 'text', (c) => c.notNull().defaultTo('ALLOW_ALL')).execute();
      await db.schema
        .createTable('application_access')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('app_id', 'varchar(24)', (c) => c.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('namespace', 'text')
        .addColumn('inherit_by_children', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('effect', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('application_access_target_key').on('application_access').columns(['app_id', 'target_type', 'target_id']).unique().execute();
      await db.schema.createIndex('application_access_subject_idx').on('application_access').columns(['pool_id', 'target_type', 'target_id']).execute();
      await db.schema.createIndex('users_pool_status_changed_idx').on('users').columns(['pool_id', 'status', 'status_changed_at']).execute();
      await db.schema.createIndex('application_access_user_idx').on('application_access').columns(['user_id']).execute();
    },
  };
}
