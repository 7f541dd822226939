import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Wrong passwords counted per account and client address, beside the per-account count of
 * `signin_failures`: one address reaching SIGNIN_MAX_FAILURES locks only itself out of the
 * account; the account as a whole locks at the higher SIGNIN_MAX_ACCOUNT_FAILURES.
 */
export function signinAddressFailures(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('signin_address_failures')
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('client_ip', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', t.time)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('signin_address_failures_pkey', ['user_id', 'client_ip'])
        .execute();
      await db.schema.createIndex('signin_address_failures_updated_idx').on('signin_address_failures').column('updated_at').execute();
    },
  };
}
