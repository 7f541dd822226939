import type { Db, Tx } from './database.js';
import type { ProviderSessionsTable } from './tables/hosted.js';
import type { UsersTable } from './tables/foundation.js';

export type ProviderSessionRow = ProviderSessionsTable;

export async function insertProviderSession(db: Db | Tx, row: ProviderSessionRow): Promise<void> {
  await db.insertInto('provider_sessions').values(row).execute();
}

/** The session a cookie names, with its user, in one indexed lookup; the caller decides whether it is alive. */
export async function findProviderSessionByHash(db: Db | Tx, tokenHash: string): Promise<{ session: ProviderSessionRow; user: UsersTable } | undefined> {
  const row = await db
    .selectFrom('provider_sessions as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .selectAll('u')
    .select([
      'p.id as p_id', 'p.pool_id as p_pool_id', 'p.user_id as p_user_id', 'p.token_hash as p_token_hash', 'p.auth_time as p_auth_time',
      'p.created_at as p_created_at', 'p.expires_at as p_expires_at', 'p.revoked_at as p_revoked_at', 'p.revoked_reason as p_revoked_reason',
    ])
    .where('p.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { p_id, p_pool_id, p_user_id, p_token_hash, p_auth_time, p_created_at, p_expires_at, p_revoked_at, p_revoked_reason, ...user } = row;
  return {
    session: { id: p_id, pool_id: p_pool_id, user_id: p_user_id, token_hash: p_token_hash, auth_time: p_auth_time, created_at: p_created_at, expires_at: p_expires_at, revoked_at: p_revoked_at, revoked_reason: p_revoked_reason },
    user: user as UsersTable,
  };
}

export async function findProviderSession(db: Db | Tx, poolId: string, id: string): Promise<ProviderSessionRow | undefined> {
  return db.selectFrom('provider_sessions').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
}

/** Ends provider sessions by id, or all of some users'; answers those it ended and their users. */
export async function revokeProviderSessions(
  db: Db | Tx, poolId: string, by: { ids?: string[]; userIds?: string[] }, at: string, reason: string,
): Promise<Array<{ id: string; user_id: string }>> {
  if ((by.ids?.length ?? 0) === 0 && (by.userIds?.length ?? 0) === 0) return [];
  let query = db.updateTable('provider_sessions').set({ revoked_at: at, revoked_reason: reason }).where('pool_id', '=', poolId).where('revoked_at', 'is', null);
  if (by.ids?.length) query = query.where('id', 'in', by.ids);
  if (by.userIds?.length) query = query.where('user_id', 'in', by.userIds);
  return query.returning(['id', 'user_id']).execute();
}

/** Removes provider sessions that ended or expired before `before`. */
export async function pruneProviderSessions(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('provider_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The same person typed their password again (prompt=login, max_age): a new auth_time and expiry. */
export async function renewProviderSession(db: Db | Tx, id: string, authTime: string, expiresAt: string): Promise<void> {
  await db.updateTable('provider_sessions').set({ auth_time: authTime, expires_at: expiresAt }).where('id', '=', id).execute();
}
