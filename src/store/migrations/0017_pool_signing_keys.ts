import { sql, type Kysely } from 'kysely';

/**
 * Each user pool signs its tokens with keys of its own, so a resource server that trusts one
 * pool's JWKS cannot be handed another pool's tokens. The keys made before belonged to the whole
 * server, whose only issuer was the default pool's address: they become the default pool's, so
 * its tokens keep verifying; the other pools make their own key at their next token.
 */
export function poolSigningKeys() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('signing_keys').addColumn('pool_id', 'varchar(24)').execute();
      await sql`UPDATE signing_keys SET pool_id = (SELECT id FROM user_pools WHERE name = 'default' ORDER BY created_at LIMIT 1) WHERE pool_id IS NULL`.execute(db);
      await db.schema.createIndex('signing_keys_pool_idx').on('signing_keys').columns(['pool_id', 'created_at']).execute();
    },
  };
}
