import type { Kysely } from 'kysely';

/**
 * Access keys made over the API (create-access-key) may name the user who holds them and the
 * key type the SDK sends; keys from the CLI and the environment have neither. A key can now
 * also be `disabled` (update-access-key `enable: false`), which, unlike `revoked`, can be undone.
 */
export function accessKeyOwners() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('access_keys').addColumn('user_id', 'text').execute();
      await db.schema.alterTable('access_keys').addColumn('key_type', 'text').execute();
      await db.schema.createIndex('access_keys_pool_idx').on('access_keys').columns(['pool_id', 'created_at']).execute();
    },
  };
}
