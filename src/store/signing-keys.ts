import type { Db } from './database.js';
import type { SigningKeysTable } from './tables/applications.js';

export type SigningKeyRow = SigningKeysTable;

export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
}

export async function insertSigningKey(db: Db, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** Keys retired long enough ago that no token they signed can still be alive. */
export async function deleteSigningKeysBefore(db: Db, before: string, keep: string): Promise<void> {
  await db.deleteFrom('signing_keys').where('created_at', '<', before).where('kid', '!=', keep).execute();
}
