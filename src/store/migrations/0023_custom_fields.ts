import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Custom fields (扩展字段): typed keys a pool declares for users, roles, groups and departments,
 * checked when custom data is written; the pool's settings for the built-in user fields; and
 * custom data on roles, the one target that had none.
 */
export function customFields(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('custom_fields')
        .addColumn('pool_id', 'text', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('data_type', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_unique', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('user_editable', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('visible_in_admin_console', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('visible_in_user_center', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('options', t.json)
        .addColumn('i18n', t.json)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('custom_fields_pkey', ['pool_id', 'target_type', 'key'])
        .execute();
      await db.schema
        .createTable('user_base_field_settings')
        .addColumn('pool_id', 'text', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('description', 'text')
        .addColumn('user_editable', 'integer')
        .addColumn('visible_in_admin_console', 'integer')
        .addColumn('visible_in_user_center', 'integer')
        .addColumn('i18n', t.json)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('user_base_field_settings_pkey', ['pool_id', 'key'])
        .execute();
      await db.schema.alterTable('roles').addColumn('custom_data', t.json, (c) => c.notNull().defaultTo('{}')).execute();
    },
  };
}
