import * as tokens from '../store/tokens.js';
import type { EndedSession } from '../store/tokens.js';
import * as providerSessions from '../store/provider-sessions.js';
import type { Tx } from '../store/database.js';
import { nowIso } from '../store/values.js';
import { announceLogout } from './backchannel.js';
import type { Deps } from './context.js';

/*
 * Every way a sign-in ends goes through here, so that each one also tells the applications
 * concerned (OpenID Connect Back-Channel Logout) in the same transaction.
 */

/**
 * Ends every session of the users, inside the caller's transaction: when it commits, their
 * refresh tokens stop working and their access tokens introspect as inactive and are refused by
 * userinfo, on every server process. Resignation calls this.
 */
export async function revokeUserTokens(trx: Tx, deps: Deps, poolId: string, userIds: string[], reason: string): Promise<UserTokensEnded> {
  const at = nowIso();
  const signOn = await providerSessions.revokeProviderSessions(trx, poolId, { userIds }, at, reason);
  const ended = await tokens.revokeUserSessions(trx, poolId, userIds, at, reason);
  const logoutNotices = await announceLogout(trx, deps, ended);
  return { sessions: ended, signOnSessions: signOn, logoutNotices };
}

/** What ending a user's sign-ins ended: application sessions, hosted-page sessions, back-channel logouts queued. */
export interface UserTokensEnded {
  sessions: EndedSession[];
  signOnSessions: Array<{ id: string; user_id: string }>;
  logoutNotices: number;
}

/**
 * Ends provider sessions (the hosted page's single sign-on) and every application session that
 * came through them, telling those applications by back-channel logout; in the caller's transaction.
 */
export async function endProviderSessions(trx: Tx, deps: Deps, poolId: string, providerSessionIds: string[], reason: string): Promise<EndedSession[]> {
  const at = nowIso();
  await providerSessions.revokeProviderSessions(trx, poolId, { ids: providerSessionIds }, at, reason);
  const ended = await tokens.revokeSessionsOfProviderSessions(trx, poolId, providerSessionIds, at, reason);
  await announceLogout(trx, deps, ended);
  return ended;
}

/** Ends one application session and tells its application, in a transaction of its own. */
export async function endSession(deps: Deps, poolId: string, sessionId: string, reason: string): Promise<EndedSession[]> {
  return deps.db.transaction().execute(async (trx) => {
    const ended = await tokens.revokeSession(trx, poolId, sessionId, nowIso(), reason);
    await announceLogout(trx, deps, ended);
    return ended;
  });
}

/**
 * After an application's access rules or default strategy changed, in the same transaction: the
 * sessions of people the rules now keep out end at once (and their application hears of it),
 * rather than at their next refresh.
 */
export async function endSessionsWithoutAccess(
  trx: Tx, deps: Deps, poolId: string, appId: string, reason: string, mayUse: (userId: string) => Promise<boolean>,
): Promise<number> {
  const denied: string[] = [];
  for (const userId of await tokens.usersWithOpenSessions(trx, poolId, appId)) {
    if (!(await mayUse(userId))) denied.push(userId);
  }
  if (denied.length === 0) return 0;
  const ended = await tokens.revokeUserSessions(trx, poolId, denied, nowIso(), reason, [appId]);
  await announceLogout(trx, deps, ended);
  return ended.length;
}

