import type { Db, Tx } from './database.js';

type Conn = Db | Tx;

/**
 * Registers identifier keys for a user; answers the keys it could not take because another row
 * holds them. `ON CONFLICT DO NOTHING` waits on PostgreSQL for a concurrent transaction that
 * inserted the same key, so of two racing writers exactly one gets it.
 */
export async function claimKeys(db: Conn, poolId: string, userId: string, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const inserted = await db
    .insertInto('user_identifiers')
    .values(keys.map((key) => ({ pool_id: poolId, key, user_id: userId })))
    .onConflict((oc) => oc.columns(['pool_id', 'key']).doNothing())
    .returning('key')
    .execute();
  const taken = new Set(inserted.map((r) => r.key));
  return keys.filter((key) => !taken.has(key));
}

export async function findHolders(db: Conn, poolId: string, keys: string[]): Promise<Array<{ key: string; user_id: string }>> {
  if (keys.length === 0) return [];
  return db.selectFrom('user_identifiers').select(['key', 'user_id']).where('pool_id', '=', poolId).where('key', 'in', keys).execute();
}

/** Gives up keys the user held (a key another user holds is left alone). */
export async function releaseKeys(db: Conn, poolId: string, userId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('user_identifiers').where('pool_id', '=', poolId).where('user_id', '=', userId).where('key', 'in', keys).execute();
}
