import type { Db } from './database.js';
import type { AccessKeysTable } from './tables/foundation.js';

export type AccessKeyRow = AccessKeysTable;

export async function findKey(db: Db, keyId: string): Promise<AccessKeyRow | undefined> {
  return db.selectFrom('access_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
}

export async function insertKey(db: Db, row: AccessKeyRow): Promise<void> {
  await db.insertInto('access_keys').values(row).execute();
}

/** Replaces the secret of an active key; a revoked key is left as it is. */
export async function updateKeySecret(db: Db, keyId: string, secretEnc: string): Promise<void> {
  await db.updateTable('access_keys').set({ secret_enc: secretEnc }).where('key_id', '=', keyId).where('status', '=', 'active').execute();
}

export async function listKeys(db: Db, poolId?: string): Promise<AccessKeyRow[]> {
  let query = db.selectFrom('access_keys').selectAll().orderBy('created_at');
  if (poolId) query = query.where('pool_id', '=', poolId);
  return query.execute();
}

export async function revokeKey(db: Db, keyId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('access_keys')
    .set({ status: 'revoked', revoked_at: at })
    .where('key_id', '=', keyId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
