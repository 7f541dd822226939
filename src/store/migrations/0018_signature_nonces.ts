import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Signature nonces in the database when there is no Redis: a process that restarts still knows
 * the nonces it accepted within the date window, so a captured request cannot be sent again.
 */
export function signatureNonces(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('signature_nonces')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('signature_nonces_pkey', ['key_id', 'nonce'])
        .execute();
      await db.schema.createIndex('signature_nonces_expires_idx').on('signature_nonces').column('expires_at').execute();
    },
  };
}
