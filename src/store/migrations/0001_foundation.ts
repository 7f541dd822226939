import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

export function foundation(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('user_pools')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('access_keys')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('key_id', 'text', (c) => c.notNull().unique())
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .execute();

      let users = db.schema
        .createTable('users')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'));
      for (const name of ['username', 'email', 'email_key', 'phone', 'phone_country_code', 'external_id', 'name', 'nickname', 'photo']) {
        users = users.addColumn(name, 'text');
      }
      users = users
        .addColumn('gender', 'text', (c) => c.notNull().defaultTo('U'))
        .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('phone_verified', 'integer', (c) => c.notNull().defaultTo(0));
      for (const name of [
        'birthdate', 'country', 'province', 'city', 'address', 'street_address', 'postal_code', 'company', 'browser', 'device',
        'given_name', 'family_name', 'middle_name', 'profile', 'preferred_username', 'website', 'zoneinfo', 'locale', 'formatted',
        'region', 'identity_number',
      ]) {
        users = users.addColumn(name, 'text');
      }
      await users
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('work_status', 'text', (c) => c.notNull())
        .addColumn('status_changed_at', t.time)
        .addColumn('password_hash', 'text')
        .addColumn('password_last_set_at', t.time)
        .addColumn('reset_password_on_next_login', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('user_source_type', 'text', (c) => c.notNull())
        .addColumn('logins_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_login', t.time)
        .addColumn('last_ip', 'text')
        .addColumn('custom_data', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      // Unique per pool; NULLs never collide on either database, so unset fields are free.
      for (const column of ['username', 'email_key', 'phone', 'external_id']) {
        await db.schema.createIndex(`users_pool_${column}_key`).on('users').columns(['pool_id', column]).unique().execute();
      }
      await db.schema.createIndex('users_pool_created_idx').on('users').columns(['pool_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('ext_idps')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ext_idps_pool_idx').on('ext_idps').columns(['pool_id', 'created_at']).execute();

      await db.schema
        .createTable('user_identities')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('ext_idp_id', 'varchar(24)', (c) => c.notNull().references('ext_idps.id').onDelete('cascade'))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('user_id_in_idp', 'text', (c) => c.notNull())
        .addColumn('user_info_in_idp', t.json, (c) => c.notNull())
        .addColumn('access_token', 'text')
        .addColumn('refresh_token', 'text')
        .addColumn('origin_conn_ids', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('user_identities_idp_user_key')
        .on('user_identities')
        .columns(['pool_id', 'ext_idp_id', 'user_id_in_idp'])
        .unique()
        .execute();
      await db.schema.createIndex('user_identities_user_idx').on('user_identities').columns(['user_id']).execute();

      await db.schema
        .createTable('sync_relations')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('user_id_in_idp', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sync_relations_provider_user_key')
        .on('sync_relations')
        .columns(['pool_id', 'provider', 'user_id_in_idp'])
        .unique()
        .execute();
      await db.schema.createIndex('sync_relations_user_idx').on('sync_relations').columns(['user_id']).execute();
    },
  };
}
