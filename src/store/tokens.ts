import { sql } from 'kysely';
import type { Db, Dialect, Tx } from './database.js';
import { precompiled } from './precompiled.js';
import type { ApplicationsTable, OidcSessionsTable, RefreshTokensTable } from './tables/applications.js';
import type { UsersTable } from './tables/foundation.js';

export type SessionRow = OidcSessionsTable;
export type RefreshTokenRow = RefreshTokensTable;

export async function insertSession(db: Db | Tx, row: SessionRow): Promise<void> {
  await db.insertInto('oidc_sessions').values(row).execute();
}

export async function insertRefreshToken(db: Db | Tx, row: RefreshTokenRow): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

/** The user fields an OIDC userinfo answer (and an ID token) is made of. */
export const CLAIM_COLUMNS = [
  'id', 'name', 'nickname', 'given_name', 'family_name', 'middle_name', 'preferred_username', 'photo', 'profile', 'website', 'gender',
  'birthdate', 'zoneinfo', 'locale', 'updated_at', 'username', 'email', 'email_verified', 'phone', 'phone_verified', 'external_id',
] as const;
export type ClaimsUser = Pick<UsersTable, (typeof CLAIM_COLUMNS)[number]>;

/** The application fields that authenticate a client (its secret and endpoint auth methods). */
export type ClientRow = Pick<ApplicationsTable, 'id' | 'pool_id' | 'app_type' | 'oidc_config' | 'secret_enc'>;

/** What decides whether a token of a session is still alive; one indexed lookup. */
export interface SessionState {
  session: SessionRow;
  user: Pick<UsersTable, 'status' | 'status_changed_at'>;
  /** The user's claim fields, when asked for (userinfo answers from them without another query). */
  claims?: ClaimsUser;
  /** The session's application as a client, when the lookup read it (introspection by that application needs no other query). */
  client?: ClientRow;
  /** The application's default strategy and whether it has access rules (when the lookup read them). */
  access?: { strategy: ApplicationsTable['permission_strategy']; hasRules: boolean };
}

// Every token check runs one of these: compiled once, not at each call. Few columns on purpose:
// on PostgreSQL, reading and converting a wide row costs more than the lookup itself.
const sessionStateBase = (db: Db | Tx, poolId: string, sessionId: string) =>
  db
    .selectFrom('oidc_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('applications as a', 'a.id', 's.app_id')
    .selectAll('s')
    .select([
      'u.status as user_status', 'u.status_changed_at as user_status_changed_at', 'a.permission_strategy as app_strategy',
      'a.app_type as app_type', 'a.oidc_config as app_oidc_config', 'a.secret_enc as app_secret_enc',
    ])
    .select((eb) => eb.exists(eb.selectFrom('application_access as aa').select('aa.id').whereRef('aa.app_id', '=', 's.app_id')).as('app_rules'))
    .where('s.pool_id', '=', poolId)
    .where('s.id', '=', sessionId);
const sessionStateQuery = precompiled(sessionStateBase);
const sessionStateWithClaimsQuery = precompiled((db: Db | Tx, poolId: string, sessionId: string) =>
  sessionStateBase(db, poolId, sessionId).select(CLAIM_COLUMNS.map((c) => `u.${c} as claim_${c}` as const)),
);

export async function findSessionState(db: Db | Tx, poolId: string, sessionId: string, options: { claims?: boolean } = {}): Promise<SessionState | undefined> {
  const [row] = options.claims ? await sessionStateWithClaimsQuery(db, poolId, sessionId) : await sessionStateQuery(db, poolId, sessionId);
  if (!row) return undefined;
  const { user_status, user_status_changed_at, app_strategy, app_rules, app_type, app_oidc_config, app_secret_enc, ...rest } = row as typeof row & Record<string, unknown>;
  const session = {} as Record<string, unknown>;
  const claims = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('claim_')) claims[key.slice(6)] = value;
    else session[key] = value;
  }
  const s = session as unknown as SessionRow;
  return {
    session: s,
    user: { status: user_status, status_changed_at: user_status_changed_at },
    ...(options.claims ? { claims: claims as unknown as ClaimsUser } : {}),
    client: { id: s.app_id, pool_id: s.pool_id, app_type, oidc_config: app_oidc_config, secret_enc: app_secret_enc },
    // EXISTS is a boolean on PostgreSQL and 0/1 on SQLite.
    access: { strategy: app_strategy, hasRules: Number(app_rules) === 1 },
  };
}

/**
 * A refresh token with its session, its user and whether the application has access rules, in
 * one query: the refresh grant is the hottest token path, and each round trip to the database is
 * most of its cost.
 */
export async function findRefreshContext(
  db: Db | Tx,
  tokenHash: string,
): Promise<{ token: RefreshTokenRow; state: SessionState; user: UsersTable; appHasAccessRules: boolean } | undefined> {
  const row = await db
    .selectFrom('refresh_tokens as r')
    .innerJoin('oidc_sessions as s', 's.id', 'r.session_id')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .selectAll('u')
    .select([
      'r.id as r_id', 'r.pool_id as r_pool_id', 'r.session_id as r_session_id', 'r.user_id as r_user_id', 'r.token_hash as r_token_hash',
      'r.expires_at as r_expires_at', 'r.used_at as r_used_at', 'r.created_at as r_created_at',
      's.pool_id as s_pool_id', 's.user_id as s_user_id', 's.app_id as s_app_id', 's.scope as s_scope', 's.created_at as s_created_at',
      's.revoked_at as s_revoked_at', 's.revoked_reason as s_revoked_reason', 's.provider_session_id as s_provider_session_id',
      's.auth_time as s_auth_time', 's.issuer as s_issuer',
    ])
    .select((eb) => eb.exists(eb.selectFrom('application_access as aa').select('aa.id').whereRef('aa.app_id', '=', 's.app_id')).as('s_app_rules'))
    .where('r.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { r_id, r_pool_id, r_session_id, r_user_id, r_token_hash, r_expires_at, r_used_at, r_created_at, s_pool_id, s_user_id, s_app_id, s_scope,
    s_created_at, s_revoked_at, s_revoked_reason, s_provider_session_id, s_auth_time, s_issuer, s_app_rules, ...user } = row;
  const token = { id: r_id, pool_id: r_pool_id, session_id: r_session_id, user_id: r_user_id, token_hash: r_token_hash, expires_at: r_expires_at, used_at: r_used_at, created_at: r_created_at };
  const session = {
    id: r_session_id, pool_id: s_pool_id, user_id: s_user_id, app_id: s_app_id, scope: s_scope, created_at: s_created_at, revoked_at: s_revoked_at,
    revoked_reason: s_revoked_reason, provider_session_id: s_provider_session_id, auth_time: s_auth_time, issuer: s_issuer,
  };
  // EXISTS is a boolean on PostgreSQL and 0/1 on SQLite.
  const appHasAccessRules = Number(s_app_rules) === 1;
  return { token, state: { session, user: { status: user.status, status_changed_at: user.status_changed_at } }, user: user as UsersTable, appHasAccessRules };
}

export async function findRefreshToken(db: Db | Tx, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Rotation: marks the used token and stores its successor atomically; false when another request
 * used the token first (nothing is stored then). PostgreSQL does it in one statement, a round
 * trip instead of four; SQLite, in process, in a transaction.
 */
export async function rotateRefreshToken(db: Db, dialect: Dialect, usedId: string, at: string, next: RefreshTokenRow): Promise<boolean> {
  if (dialect === 'postgres') {
    const result = await sql<{ id: string }>`
      with used as (
        update refresh_tokens set used_at = ${at} where id = ${usedId} and used_at is null returning id
      )
      insert into refresh_tokens (id, pool_id, session_id, user_id, token_hash, expires_at, used_at, created_at)
      select ${next.id}, ${next.pool_id}, ${next.session_id}, ${next.user_id}, ${next.token_hash},
             ${next.expires_at}::timestamptz, null, ${next.created_at}::timestamptz
      from used
      returning id`.execute(db);
    return result.rows.length === 1;
  }
  return db.transaction().execute(async (trx) => {
    if (!(await markRefreshTokenUsed(trx, usedId, at))) return false;
    await insertRefreshToken(trx, next);
    return true;
  });
}

/** Claims a refresh token for rotation; false when another request used it first. */
export async function markRefreshTokenUsed(db: Db | Tx, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('refresh_tokens').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** What back-channel logout needs to know of a session that just ended. */
export type EndedSession = Pick<SessionRow, 'id' | 'pool_id' | 'app_id' | 'user_id' | 'provider_session_id' | 'issuer'>;
const ENDED = ['id', 'pool_id', 'app_id', 'user_id', 'provider_session_id', 'issuer'] as const;

export async function revokeSession(db: Db | Tx, poolId: string, sessionId: string, at: string, reason: string): Promise<EndedSession[]> {
  return db
    .updateTable('oidc_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('pool_id', '=', poolId)
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .returning(ENDED)
    .execute();
}

/** Ends every live session of the users (in the given applications, or all); answers those it ended. */
export async function revokeUserSessions(db: Db | Tx, poolId: string, userIds: string[], at: string, reason: string, appIds?: string[]): Promise<EndedSession[]> {
  if (userIds.length === 0 || appIds?.length === 0) return [];
  let query = db
    .updateTable('oidc_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('pool_id', '=', poolId)
    .where('user_id', 'in', userIds)
    .where('revoked_at', 'is', null);
  if (appIds) query = query.where('app_id', 'in', appIds);
  return query.returning(ENDED).execute();
}

/** The users holding a session of the application that nobody ended (it may have expired). */
export async function usersWithOpenSessions(db: Db | Tx, poolId: string, appId: string): Promise<string[]> {
  const rows = await db.selectFrom('oidc_sessions').select('user_id').distinct()
    .where('pool_id', '=', poolId).where('app_id', '=', appId).where('revoked_at', 'is', null).execute();
  return rows.map((r) => r.user_id);
}

/** Ends the application sessions that came through the given provider sessions. */
export async function revokeSessionsOfProviderSessions(db: Db | Tx, poolId: string, providerSessionIds: string[], at: string, reason: string): Promise<EndedSession[]> {
  if (providerSessionIds.length === 0) return [];
  return db
    .updateTable('oidc_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('pool_id', '=', poolId)
    .where('provider_session_id', 'in', providerSessionIds)
    .where('revoked_at', 'is', null)
    .returning(ENDED)
    .execute();
}

/** Ends every live session of one user but the one given (a password change keeps its own). */
export async function revokeOtherSessionsOfUser(db: Db | Tx, poolId: string, userId: string, keepSessionId: string, at: string, reason: string): Promise<number> {
  const result = await db
    .updateTable('oidc_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('pool_id', '=', poolId)
    .where('user_id', '=', userId)
    .where('id', '!=', keepSessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * A user's sessions that nobody revoked, with their application, whether it has access rules,
 * and the latest expiry of a refresh token still unused (null without one); the caller decides
 * which are still alive.
 */
export async function openSessionsOfUser(db: Db | Tx, poolId: string, userId: string) {
  return db
    .selectFrom('oidc_sessions as s')
    .innerJoin('applications as a', 'a.id', 's.app_id')
    .selectAll('a')
    .select(['s.created_at as session_created_at'])
    .select((eb) =>
      eb.selectFrom('refresh_tokens as rt').select((e) => e.fn.max('rt.expires_at').as('m'))
        .whereRef('rt.session_id', '=', 's.id').where('rt.used_at', 'is', null).as('refresh_expires_at'),
    )
    .select((eb) => eb.exists(eb.selectFrom('application_access as aa').select('aa.id').whereRef('aa.app_id', '=', 's.app_id')).as('app_rules'))
    .where('s.pool_id', '=', poolId)
    .where('s.user_id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .orderBy('s.created_at', 'desc')
    .execute();
}

/**
 * The users holding a live session in an application, a page of them: not revoked, begun after
 * the user's last status change (only Activated users), with an access token that may still
 * live (begun since `accessSince`) or a refresh token unused and unexpired.
 */
export async function activeUsersOfApp(db: Db | Tx, poolId: string, appId: string, now: string, accessSince: string, page: number, limit: number) {
  const live = db
    .selectFrom('oidc_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .where('s.pool_id', '=', poolId)
    .where('s.app_id', '=', appId)
    .where('s.revoked_at', 'is', null)
    .where('u.status', '=', 'Activated')
    .where((eb) => eb.or([eb('u.status_changed_at', 'is', null), eb('u.status_changed_at', '<=', eb.ref('s.created_at'))]))
    .where((eb) =>
      eb.or([
        eb('s.created_at', '>', accessSince),
        eb.exists(
          eb.selectFrom('refresh_tokens as rt').select('rt.id').whereRef('rt.session_id', '=', 's.id')
            .where('rt.used_at', 'is', null).where('rt.expires_at', '>', now),
        ),
      ]),
    );
  const total = await live.select((eb) => eb.fn.count<number>('s.user_id').distinct().as('count')).executeTakeFirstOrThrow();
  const rows = await live
    .select('s.user_id')
    .select((eb) => eb.fn.max('s.created_at').as('last_signin'))
    .groupBy('s.user_id')
    .orderBy('last_signin', 'desc')
    .orderBy('s.user_id')
    .limit(limit)
    .offset((page - 1) * limit)
    .execute();
  return { userIds: rows.map((r) => r.user_id), totalCount: Number(total.count) };
}
