import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Hosted sign-in: the provider's own browser sessions, authorization codes and consents, and on
 * each application session the provider session it came through, when the person authenticated
 * and the issuer of its tokens (which its back-channel logout token must repeat).
 */
export function hosted(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('provider_sessions')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('auth_time', t.time, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('provider_sessions_user_idx').on('provider_sessions').columns(['user_id']).execute();
      await db.schema.createIndex('provider_sessions_expires_idx').on('provider_sessions').columns(['expires_at']).execute();

      await db.schema
        .createTable('authorization_codes')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('app_id', 'varchar(24)', (c) => c.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('provider_session_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('code_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text')
        .addColumn('code_challenge', 'text')
        .addColumn('auth_time', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('used_at', t.time)
        .addColumn('session_id', 'varchar(24)')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('authorization_codes_user_idx').on('authorization_codes').columns(['user_id']).execute();
      await db.schema.createIndex('authorization_codes_app_idx').on('authorization_codes').columns(['app_id']).execute();
      await db.schema.createIndex('authorization_codes_expires_idx').on('authorization_codes').columns(['expires_at']).execute();

      await db.schema
        .createTable('consents')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('app_id', 'varchar(24)', (c) => c.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('consents_pkey', ['user_id', 'app_id'])
        .execute();
      await db.schema.createIndex('consents_app_idx').on('consents').columns(['app_id']).execute();

      await db.schema.alterTable('oidc_sessions').addColumn('provider_session_id', 'varchar(24)').execute();
      await db.schema.alterTable('oidc_sessions').addColumn('auth_time', t.time).execute();
      await db.schema.alterTable('oidc_sessions').addColumn('issuer', 'text').execute();
      await db.schema.createIndex('oidc_sessions_provider_idx').on('oidc_sessions').columns(['provider_session_id']).execute();
    },
  };
}
