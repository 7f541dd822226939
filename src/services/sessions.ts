import type { Db, Tx } from '../store/database.js';
import { accessDecision, mayUseApplication } from './application-access.js';
import * as tokens from '../store/tokens.js';
import type { EndedSession, SessionState } from '../store/tokens.js';
import * as providerSessions from '../store/provider-sessions.js';
import { announceLogout } from './backchannel.js';
import { nowIso } from '../store/values.js';
import { notFound } from '../errors.js';
import * as applications from '../store/applications.js';
import { resolveUser } from './user-resolver.js';
import { findApplicationOrThrow, oidcSettings } from './applications.js';
import * as users from '../store/users.js';
import type { UserRow } from '../store/users.js';
import { toUserViews } from './user-view.js';
import type { ListApplicationActiveUsersInput } from '../schemas/applications.js';
import type { Deps, Scope } from './context.js';
import { enqueueEvent } from './outbox.js';

/**
 * Whether the tokens of a session may still be used. Read from the database on every check (one
 * primary-key lookup joined to the user), so a revocation or status change committed by any
 * process is seen by every process at once, with or without Redis. Besides an explicit
 * revocation, any status change after the sign-in ends the session: a user suspended and then
 * re-activated has to sign in again, and only Activated users hold live sessions.
 */
export function sessionIsLive(state: SessionState | undefined): boolean {
  if (!state || state.session.revoked_at) return false;
  if (state.user.status !== 'Activated') return false;
  const changed = state.user.status_changed_at;
  return !changed || changed <= state.session.created_at;
}

/**
 * A live session whose application's access rules still let its user in: withdrawn access makes
 * the session's access tokens inactive at once, without waiting for a refresh. Rules are read only
 * when the application has some or denies by default, so most applications pay nothing more.
 */
export async function sessionMayBeUsed(db: Db | Tx, state: SessionState | undefined): Promise<boolean> {
  return (await sessionAccess(db, state)).allowed;
}

/** sessionMayBeUsed, and until when the answer holds without a write (accessDecision). */
export async function sessionAccess(db: Db | Tx, state: SessionState | undefined): Promise<{ allowed: boolean; until?: number }> {
  if (!state || !sessionIsLive(state)) return { allowed: false };
  const access = state.access;
  if (!access || (!access.hasRules && access.strategy === 'ALLOW_ALL')) return { allowed: true };
  const app = { id: state.session.app_id, pool_id: state.session.pool_id, permission_strategy: access.strategy };
  return accessDecision(db, app, state.session.user_id, access.hasRules);
}

/** kick-users: ends a user's sessions in the given applications. */
export async function kickUser(scope: Scope, input: { userId: string; appIds: string[]; userIdType?: string }): Promise<{ success: boolean }> {
  return kickAccount(scope, input.appIds, (trx) => resolveUser(trx, scope.poolId, input.userId, input.userIdType));
}

/**
 * Ends an account's sessions in the given applications, in one transaction: `resolve` finds the
 * account (a user for kick-users, a public account for kick-public-accounts) and refuses what is not.
 */
export async function kickAccount(scope: Scope, rawAppIds: string[], resolve: (trx: Tx) => Promise<UserRow>): Promise<{ success: boolean }> {
  const appIds = [...new Set(rawAppIds)];
  await scope.db.transaction().execute(async (trx) => {
    const user = await resolve(trx);
    const found = new Set((await applications.findApplications(trx, scope.poolId, appIds)).map((a) => a.id));
    const missing = appIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw notFound(`appIds: no application ${missing.map((id) => `"${id}"`).join(', ')} in this user pool`);
    const at = nowIso();
    // The person's single sign-on ends too, or the next visit would sign them in again unasked.
    await providerSessions.revokeProviderSessions(trx, scope.poolId, { userIds: [user.id] }, at, `kicked by ${scope.actor}`);
    const ended = await tokens.revokeUserSessions(trx, scope.poolId, [user.id], at, `kicked by ${scope.actor}`, appIds);
    await announceLogout(trx, scope, ended);
    await enqueueEvent(trx, scope, 'kick', { userId: user.id, accountType: user.account_type, appIds, sessionIds: ended.map((e) => e.id), kickedAt: at, actor: scope.actor });
  });
  return { success: true };
}

/**
 * get-user-loggedin-apps: the applications in which the user holds a live session, one that is
 * not revoked, began after the user's last status change, still has an unexpired access token
 * or refresh token, and that the application's access rules still let the user use. A user who
 * is not Activated holds none.
 */
export async function getUserLoggedInApps(scope: Scope, q: { userId: string; userIdType?: string }) {
  const user = await resolveUser(scope.db, scope.poolId, q.userId, q.userIdType);
  if (user.status !== 'Activated') return [];
  const now = Date.now();
  const apps = new Map<string, { appId: string; appName: string; appLogo: string; appLoginUrl: string }>();
  for (const row of await tokens.openSessionsOfUser(scope.db, scope.poolId, user.id)) {
    if (apps.has(row.id)) continue;
    if (user.status_changed_at && user.status_changed_at > row.session_created_at) continue;
    const accessUntil = Date.parse(row.session_created_at) + oidcSettings(row).access_token_expire * 1000;
    const refreshUntil = row.refresh_expires_at ? Date.parse(String(row.refresh_expires_at)) : 0;
    if (Math.max(accessUntil, refreshUntil) <= now) continue;
    // EXISTS is a boolean on PostgreSQL and 0/1 on SQLite; without rules no further query is made.
    if (!(await mayUseApplication(scope.db, row, user.id, Number(row.app_rules) === 1))) continue;
    apps.set(row.id, { appId: row.id, appName: row.app_name, appLogo: row.app_logo, appLoginUrl: row.init_login_uri });
  }
  return [...apps.values()];
}

/** check-session-status: whether the user holds a live session in the application (as get-user-loggedin-apps counts them). */
export async function checkSessionStatus(scope: Scope, input: { appId: string; userId: string }): Promise<{ active: boolean }> {
  await findApplicationOrThrow(scope.db, scope.poolId, input.appId);
  const apps = await getUserLoggedInApps(scope, { userId: input.userId });
  return { active: apps.some((a) => a.appId === input.appId) };
}

/** list-application-active-users: who holds a live session in the application, the latest to sign in first. */
export async function listApplicationActiveUsers(scope: Scope, input: ListApplicationActiveUsersInput) {
  const app = await findApplicationOrThrow(scope.db, scope.poolId, input.appId);
  const { pagination, ...view } = input.options ?? {};
  const now = Date.now();
  const accessSince = new Date(now - oidcSettings(app).access_token_expire * 1000).toISOString();
  const { userIds, totalCount } = await tokens.activeUsersOfApp(
    scope.db, scope.poolId, app.id, new Date(now).toISOString(), accessSince, pagination?.page ?? 1, pagination?.limit ?? 10,
  );
  const rows = new Map((await users.findManyBy(scope.db, scope.poolId, 'id', userIds)).map((row) => [row.id, row]));
  const ordered = userIds.map((id) => rows.get(id)).filter((row) => row !== undefined);
  return { totalCount, list: await toUserViews(scope.db, scope.poolId, ordered, view) };
}
