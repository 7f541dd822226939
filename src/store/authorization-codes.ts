import type { Db, Tx } from './database.js';
import type { AuthorizationCodesTable } from './tables/hosted.js';

export type AuthorizationCodeRow = AuthorizationCodesTable;

export async function insertCode(db: Db | Tx, row: AuthorizationCodeRow): Promise<void> {
  await db.insertInto('authorization_codes').values(row).execute();
}

export async function findCodeByHash(db: Db | Tx, codeHash: string): Promise<AuthorizationCodeRow | undefined> {
  return db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/**
 * Claims a code for the session it is exchanged for; false when it was used before (a replay).
 * On PostgreSQL the row lock makes a concurrent second claim wait for the first to commit, so it
 * then sees `used_at` and the session id the first one stored.
 */
export async function claimCode(db: Db | Tx, id: string, at: string, sessionId: string): Promise<boolean> {
  const result = await db
    .updateTable('authorization_codes')
    .set({ used_at: at, session_id: sessionId })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes codes that expired before `before` (used or not: a replay after expiry is refused anyway). */
export async function pruneCodes(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('authorization_codes').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
