import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * SCIM 2.0 provisioning: bearer tokens per pool (only their SHA-256 is kept), the per-pool
 * deprovisioning settings, and the SCIM attributes that have no column of their own (secondary
 * emails, title, the enterprise extension…), kept beside the user or group they belong to and
 * deleted with it. Lookups by `userName eq` ignore case (RFC 7643 makes userName caseExact
 * false), so an expression index on lower(username) keeps them a single index probe.
 */
export function scim(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('scim_tokens')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .execute();

      await db.schema
        .createTable('scim_settings')
        .addColumn('pool_id', 'varchar(24)', (c) => c.primaryKey().references('user_pools.id').onDelete('cascade'))
        .addColumn('deactivate_action', 'text', (c) => c.notNull())
        .addColumn('delete_action', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('scim_user_attributes')
        .addColumn('user_id', 'varchar(24)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('data', t.json, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('scim_group_attributes')
        .addColumn('group_id', 'varchar(24)', (c) => c.primaryKey().references('groups.id').onDelete('cascade'))
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('data', t.json, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scim_group_attributes_external_idx').on('scim_group_attributes').columns(['pool_id', 'external_id']).execute();

      await sql`create index users_pool_username_lower_idx on users (pool_id, lower(username))`.execute(db);
      await db.schema.createIndex('users_pool_updated_idx').on('users').columns(['pool_id', 'updated_at']).execute();
    },
  };
}
