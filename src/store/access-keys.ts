import { sql } from 'kysely';
import type { Db, Dialect, Tx } from './database.js';
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

export interface PoolKeyFilter {
  statuses?: AccessKeyRow['status'][];
  userId?: string;
  keyType?: string;
}

/** The keys of one pool, oldest first; a key of another pool is never answered. */
export async function listPoolKeys(db: Db | Tx, poolId: string, filter: PoolKeyFilter = {}): Promise<AccessKeyRow[]> {
  let query = db.selectFrom('access_keys').selectAll().where('pool_id', '=', poolId).orderBy('created_at').orderBy('id');
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.keyType !== undefined) query = query.where('key_type', '=', filter.keyType);
  return query.execute();
}

export async function findPoolKey(db: Db | Tx, poolId: string, keyId: string): Promise<AccessKeyRow | undefined> {
  return db.selectFrom('access_keys').selectAll().where('pool_id', '=', poolId).where('key_id', '=', keyId).executeTakeFirst();
}

export async function countActivePoolKeys(db: Db | Tx, poolId: string): Promise<number> {
  const row = await db
    .selectFrom('access_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('pool_id', '=', poolId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serialises changes to one pool's keys until the transaction ends, so that two requests each
 * disabling "the other" key cannot leave the pool with none (SQLite has one writer already).
 */
export async function lockPoolKeys(trx: Tx, dialect: Dialect, poolId: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select id from user_pools where id = ${poolId} for update`.execute(trx);
}

/** Moves a key to `status`; a revoked key never moves again. Answers whether it changed. */
export async function setPoolKeyStatus(db: Db | Tx, poolId: string, keyId: string, status: AccessKeyRow['status'], at: string): Promise<boolean> {
  const result = await db
    .updateTable('access_keys')
    .set({ status, revoked_at: status === 'revoked' ? at : null })
    .where('pool_id', '=', poolId)
    .where('key_id', '=', keyId)
    .where('status', '!=', 'revoked')
    .where('status', '!=', status)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
