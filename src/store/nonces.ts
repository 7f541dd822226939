import type { Db } from './database.js';

/**
 * Claims a nonce until `expiresAt`: true when nobody holds it, or when the one holding it has
 * expired (then it is taken over). One statement, so two processes claiming the same nonce at
 * once cannot both win: the primary key lets one insert through, and the other's conflict
 * update only applies to an expired row.
 */
export async function claimNonce(db: Db, keyId: string, nonce: string, now: string, expiresAt: string): Promise<boolean> {
  const row = await db
    .insertInto('signature_nonces')
    .values({ key_id: keyId, nonce, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['key_id', 'nonce']).doUpdateSet({ expires_at: expiresAt }).where('signature_nonces.expires_at', '<=', now))
    .returning('key_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Removes nonces whose window closed before `before`; answers how many went. */
export async function pruneNonces(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('signature_nonces').where('expires_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
