import type { Kysely } from 'kysely';

/** Indexes for pruning by age: expired refresh tokens, dead sessions, old login history. */
export function retention() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('refresh_tokens_expires_idx').on('refresh_tokens').columns(['expires_at']).execute();
      await db.schema.createIndex('oidc_sessions_created_idx').on('oidc_sessions').columns(['created_at']).execute();
      await db.schema.createIndex('login_history_created_idx').on('login_history').columns(['created_at']).execute();
      await db.schema.createIndex('signin_failures_updated_idx').on('signin_failures').columns(['updated_at']).execute();
    },
  };
}
