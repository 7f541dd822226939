import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Applications (OIDC clients), token signing keys, sign-in sessions with their refresh tokens,
 * login history and password failure counters. Everything that hangs off a user cascades with
 * it and is indexed by user_id, so that resignation and deletion stay cheap.
 */
export function applications(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('applications')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('app_identifier', 'text', (c) => c.notNull())
        .addColumn('app_name', 'text', (c) => c.notNull())
        .addColumn('app_logo', 'text', (c) => c.notNull())
        .addColumn('app_description', 'text')
        .addColumn('app_type', 'text', (c) => c.notNull())
        .addColumn('default_protocol', 'text', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('redirect_uris', t.json, (c) => c.notNull())
        .addColumn('logout_redirect_uris', t.json, (c) => c.notNull())
        .addColumn('init_login_uri', 'text', (c) => c.notNull())
        .addColumn('sso_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('sso_enabled_at', t.time)
        .addColumn('oidc_config', t.json, (c) => c.notNull())
        .addColumn('settings', t.json, (c) => c.notNull())
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('applications_pool_identifier_key').on('applications').columns(['pool_id', 'app_identifier']).unique().execute();
      await db.schema.createIndex('applications_pool_created_idx').on('applications').columns(['pool_id', 'created_at', 'id']).execute();

      // Server-wide: the issuer is the server, and the JWKS endpoint is called without a pool.
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('public_jwk', t.json, (c) => c.notNull())
        .addColumn('private_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('oidc_sessions')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('app_id', 'varchar(24)', (c) => c.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('oidc_sessions_user_idx').on('oidc_sessions').columns(['user_id']).execute();
      await db.schema.createIndex('oidc_sessions_app_idx').on('oidc_sessions').columns(['app_id']).execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('session_id', 'varchar(24)', (c) => c.notNull().references('oidc_sessions.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('used_at', t.time)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('refresh_tokens_user_idx').on('refresh_tokens').columns(['user_id']).execute();
      await db.schema.createIndex('refresh_tokens_session_idx').on('refresh_tokens').columns(['session_id']).execute();

      await db.schema
        .createTable('login_history')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('app_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('client_ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .addColumn('success', 'integer', (c) => c.notNull())
        .addColumn('failure_reason', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_history_user_idx').on('login_history').columns(['user_id', 'created_at']).execute();

      await db.schema
        .createTable('signin_failures')
        .addColumn('user_id', 'varchar(24)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', t.time)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
