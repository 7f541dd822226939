import type { Db } from './database.js';
import type { SigningKeysTable } from './tables/applications.js';

export type SigningKeyRow = SigningKeysTable;

/** A pool's keys, newest first. */
export async function listSigningKeys(db: Db, poolId: string): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().where('pool_id', '=', poolId).orderBy('created_at', 'desc').execute();
}

export async function insertSigningKey(db: Db, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** A pool's keys retired long enough ago that no token they signed can still be alive. */
export async function deleteSigningKeysBefore(db: Db, poolId: string, before: string, keep: string): Promise<void> {
  await db.deleteFrom('signing_keys').where('pool_id', '=', poolId).where('created_at', '<', before).where('kid', '!=', keep).execute();
}
