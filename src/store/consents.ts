import type { Db, Tx } from './database.js';

export async function findConsent(db: Db | Tx, poolId: string, userId: string, appId: string): Promise<string | undefined> {
  const row = await db.selectFrom('consents').select('scope').where('pool_id', '=', poolId).where('user_id', '=', userId).where('app_id', '=', appId).executeTakeFirst();
  return row?.scope;
}

/** Records the scopes granted (replacing what was granted before: the caller merges). */
export async function saveConsent(db: Db | Tx, row: { pool_id: string; user_id: string; app_id: string; scope: string; updated_at: string }): Promise<void> {
  await db
    .insertInto('consents')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'app_id']).doUpdateSet({ scope: row.scope, updated_at: row.updated_at }))
    .execute();
}
