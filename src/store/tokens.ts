import type { Db, Tx } from './database.js';
import type { OidcSessionsTable, RefreshTokensTable } from './tables/applications.js';
import type { UsersTable } from './tables/foundation.js';

export type SessionRow = OidcSessionsTable;
export type RefreshTokenRow = RefreshTokensTable;

export async function insertSession(db: Db | Tx, row: SessionRow): Promise<void> {
  await db.insertInto('oidc_sessions').values(row).execute();
}

export async function insertRefreshToken(db: Db | Tx, row: RefreshTokenRow): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

/** What decides whether a token of a session is still alive; one indexed lookup. */
export interface SessionState {
  session: SessionRow;
  user: Pick<UsersTable, 'status' | 'status_changed_at'>;
}

export async function findSessionState(db: Db | Tx, poolId: string, sessionId: string): Promise<SessionState | undefined> {
  const row = await db
    .selectFrom('oidc_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select(['u.status as user_status', 'u.status_changed_at as user_status_changed_at'])
    .where('s.pool_id', '=', poolId)
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { user_status, user_status_changed_at, ...session } = row;
  return { session, user: { status: user_status, status_changed_at: user_status_changed_at } };
}

export async function findRefreshToken(db: Db | Tx, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Claims a refresh token for rotation; false when another request used it first. */
export async function markRefreshTokenUsed(db: Db | Tx, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('refresh_tokens').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeSession(db: Db | Tx, poolId: string, sessionId: string, at: string, reason: string): Promise<void> {
  await db
    .updateTable('oidc_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('pool_id', '=', poolId)
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every live session of the users (in the given applications, or all). */
export async function revokeUserSessions(db: Db | Tx, poolId: string, userIds: string[], at: string, reason: string, appIds?: string[]): Promise<number> {
  if (userIds.length === 0 || appIds?.length === 0) return 0;
  let query = db
    .updateTable('oidc_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('pool_id', '=', poolId)
    .where('user_id', 'in', userIds)
    .where('revoked_at', 'is', null);
  if (appIds) query = query.where('app_id', 'in', appIds);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
