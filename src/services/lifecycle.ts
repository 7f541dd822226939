import { lockRows, type Tx } from '../store/database.js';
import * as users from '../store/users.js';
import type { UserRow } from '../store/users.js';
import * as schedules from '../store/scheduled-resignations.js';
import { emptySnapshot, removeAllRelations, type RelationSnapshot } from '../store/user-relations.js';
import { nowIso } from '../store/values.js';
import { badRequest } from '../errors.js';
import type { Scope } from './context.js';
import { resolveAllUsers, resolveUsers } from './user-resolver.js';
import { recordAudits } from './audit.js';
import { enqueueEvents } from './outbox.js';
import { revokeUserTokens } from './session-endings.js';
import { toUserView } from './user-view.js';

export type AccountKind = 'user' | 'public_account';

/**
 * What one resignation did to one person: the receipt kept in their audit entry, and, from a
 * dry run, what it would do.
 */
export interface ResignationOutcome {
  userId: string;
  /** False when the user had already resigned: a retry changes nothing. */
  resigned: boolean;
  resignedAt: string;
  /** Every relation removed; null when the user had already resigned. */
  removed: RelationSnapshot | null;
  /** Application sessions ended (their refresh and access tokens died with them). */
  sessionsEnded: Array<{ sessionId: string; appId: string }>;
  /** Hosted sign-in (single sign-on) sessions ended. */
  signOnSessionsEnded: number;
  /** Outbox events queued for webhooks. */
  eventsQueued: Array<{ type: string; eventId: string }>;
  /** Scheduled resignations of the person that this one made moot. */
  schedulesSuperseded: Array<{ scheduleId: string; resignAt: string }>;
}

/**
 * The resignation itself, for users already resolved and locked, inside the caller's
 * transaction: every relation is removed and snapshotted into the audit log, the profile is
 * kept, the status becomes Resigned / Closed, every session ends, pending schedules are
 * superseded and a `user:resigned` event is queued. Resign, the dry-run preview and scheduled
 * resignations all run exactly this.
 */
async function resignLocked(trx: Tx, scope: Scope, rows: UserRow[], kind: AccountKind, action: string, detailOf: (userId: string) => Record<string, unknown> = () => ({})): Promise<ResignationOutcome[]> {
  const pending = rows.filter((r) => r.status !== 'Resigned').map((r) => r.id);
  const snapshots = await removeAllRelations(trx, scope.poolId, pending);
  const at = nowIso();
  const ended = { sessions: [] as Array<{ id: string; app_id: string; user_id: string }>, signOnSessions: [] as Array<{ user_id: string }> };
  if (pending.length) {
    await users.markResigned(trx, scope.poolId, pending, at);
    Object.assign(ended, await revokeUserTokens(trx, scope, scope.poolId, pending, action));
  }
  const superseded = await schedules.supersede(trx, scope.poolId, pending, scope.requestId, at);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const eventIds = await enqueueEvents(trx, scope, 'user:resigned', pending.map((userId) => ({
    userId, accountType: kind, resignedAt: at, requestId: scope.requestId, actor: scope.actor, removed: snapshots.get(userId),
    user: { ...toUserView(byId.get(userId)!), status: 'Resigned', workStatus: 'Closed', statusChangedAt: at, updatedAt: at },
  })));
  const eventOf = new Map(pending.map((userId, i) => [userId, eventIds[i]]));
  const outcomes = [...new Set(rows.map((r) => r.id))].map((userId): ResignationOutcome => {
    const resigned = pending.includes(userId);
    return {
      userId,
      resigned,
      resignedAt: resigned ? at : byId.get(userId)!.status_changed_at ?? at,
      removed: resigned ? snapshots.get(userId) ?? emptySnapshot() : null,
      sessionsEnded: ended.sessions.filter((s) => s.user_id === userId).map((s) => ({ sessionId: s.id, appId: s.app_id })),
      signOnSessionsEnded: ended.signOnSessions.filter((s) => s.user_id === userId).length,
      eventsQueued: eventOf.has(userId) ? [{ type: 'user:resigned', eventId: eventOf.get(userId)! }] : [],
      schedulesSuperseded: superseded.filter((s) => s.user_id === userId).map((s) => ({ scheduleId: s.id, resignAt: s.resign_at })),
    };
  });
  const targetType = kind === 'user' ? 'user' : 'public_account';
  // The receipt is the audit entry's detail: retrievable later by user id or request id.
  await recordAudits(trx, scope, outcomes.filter((o) => o.resigned).map((o) => ({
    action, targetType, targetIds: [o.userId],
    detail: { ...detailOf(o.userId), resignedAt: o.resignedAt, removed: o.removed, sessionsEnded: o.sessionsEnded, signOnSessionsEnded: o.signOnSessionsEnded, eventsQueued: o.eventsQueued, schedulesSuperseded: o.schedulesSuperseded },
  })));
  return outcomes;
}

function checkKind(rows: UserRow[], ids: string[], kind: AccountKind, field: string): void {
  if (kind !== 'public_account') return;
  const notPublic = ids.filter((_, i) => rows[i].account_type !== 'public_account');
  if (notPublic.length) {
    throw badRequest(`${field}: ${notPublic.map((id) => `"${id}"`).join(', ')} ${notPublic.length === 1 ? 'is not a public account' : 'are not public accounts'}; use resign-user-batch for people`);
  }
}

/** Resolves and locks the users (PostgreSQL), as every add-member path does, so a racing add-member commits before or fails after. */
async function lockResolved(trx: Tx, scope: Scope, resolved: UserRow[]): Promise<UserRow[]> {
  const targetIds = [...new Set(resolved.map((r) => r.id))];
  await lockRows(trx, scope.dialect, 'users', targetIds);
  return users.findManyBy(trx, scope.poolId, 'id', targetIds);
}

/**
 * Resigns users (or public accounts), all or nothing, in one transaction (see resignLocked).
 * Rows are locked first (PostgreSQL), and every add-member path takes the same lock and refuses
 * Resigned users, so a racing add-member either commits before (and is removed here) or fails after.
 */
export async function resign(scope: Scope, ids: string[], userIdType: string | undefined, kind: AccountKind, action: string): Promise<ResignationOutcome[]> {
  const field = ids.length === 1 && action === 'resign-user' ? 'userId' : 'userIds';
  const outcomes = await scope.db.transaction().execute(async (trx) => {
    const resolved = await resolveAllUsers(trx, scope.poolId, ids, userIdType, field);
    const rows = await lockResolved(trx, scope, resolved);
    checkKind(resolved, ids, kind, field);
    return resignLocked(trx, scope, rows, kind, action);
  });
  scope.observer?.resigned(outcomes.filter((o) => o.resigned).length);
  return outcomes;
}

/** Thrown to roll the dry run back, carrying what it found. */
class DryRun extends Error {
  constructor(readonly outcomes: ResignationOutcome[]) {
    super('dry run');
  }
}

export interface ResignationPreview {
  list: Array<ResignationOutcome & { id: string; status: string; alreadyResigned: boolean }>;
  unresolved: string[];
}

/**
 * The dry run: the same resignation, for the same identifiers and type, in a transaction that
 * is always rolled back. Identifiers that resolve to nobody are listed instead of failing the
 * whole request, so one call shows everything a real run would refuse or do.
 */
export async function previewResignation(scope: Scope, ids: string[], userIdType: string | undefined, kind: AccountKind = 'user'): Promise<ResignationPreview> {
  let found = new Map<string, UserRow>();
  let outcomes: ResignationOutcome[] = [];
  try {
    await scope.db.transaction().execute(async (trx) => {
      found = await resolveUsers(trx, scope.poolId, ids, userIdType, 'userIds');
      const given = ids.filter((id) => found.has(id));
      const resolved = given.map((id) => found.get(id)!);
      checkKind(resolved, given, kind, 'userIds');
      const rows = await lockResolved(trx, scope, resolved);
      throw new DryRun(await resignLocked(trx, scope, rows, kind, kind === 'user' ? 'resign-user-batch' : 'resign-public-account-batch'));
    });
  } catch (error) {
    if (!(error instanceof DryRun)) throw error;
    outcomes = error.outcomes;
  }
  const byUser = new Map(outcomes.map((o) => [o.userId, o]));
  const list = [...new Set(ids)].filter((id) => found.has(id)).map((id) => {
    const user = found.get(id)!;
    return { id, status: user.status, alreadyResigned: user.status === 'Resigned', ...byUser.get(user.id)! };
  });
  return { list, unresolved: [...new Set(ids)].filter((id) => !found.has(id)) };
}

/**
 * Performs claimed schedules of one pool inside the claiming transaction, audited in the name of
 * whoever scheduled each (grouped by them) under the run's request id.
 */
export async function resignScheduled(trx: Tx, scope: Scope, due: schedules.ScheduleRow[]): Promise<ResignationOutcome[]> {
  const outcomes: ResignationOutcome[] = [];
  const byActor = new Map<string, schedules.ScheduleRow[]>();
  for (const row of due) byActor.set(`${row.actor_type}\u0000${row.actor}`, [...(byActor.get(`${row.actor_type}\u0000${row.actor}`) ?? []), row]);
  for (const group of byActor.values()) {
    const first = group[0];
    const actorScope: Scope = { ...scope, actor: first.actor, actorType: (first.actor_type ?? undefined) as Scope['actorType'], actorName: first.actor_name ?? undefined };
    for (const kind of ['user', 'public_account'] as const) {
      const rows = group.filter((r) => r.account_kind === kind);
      if (!rows.length) continue;
      const locked = await lockResolved(trx, actorScope, await users.findManyBy(trx, scope.poolId, 'id', rows.map((r) => r.user_id)));
      const scheduleOf = new Map(rows.map((r) => [r.user_id, r]));
      const done = await resignLocked(trx, actorScope, locked, kind, 'resign-user-scheduled', (userId) => ({
        scheduleId: scheduleOf.get(userId)?.id, scheduledAt: scheduleOf.get(userId)?.created_at, scheduledRequestId: scheduleOf.get(userId)?.request_id,
      }));
      outcomes.push(...done);
    }
  }
  return outcomes;
}

export async function resignUser(scope: Scope, userId: string, userIdType?: string): Promise<{ success: boolean }> {
  await resign(scope, [userId], userIdType, 'user', 'resign-user');
  return { success: true };
}

export async function resignUsers(scope: Scope, userIds: string[], userIdType?: string): Promise<{ success: boolean }> {
  await resign(scope, userIds, userIdType, 'user', 'resign-user-batch');
  return { success: true };
}

export async function resignPublicAccounts(scope: Scope, ids: string[], userIdType?: string): Promise<{ success: boolean }> {
  await resign(scope, ids, userIdType, 'public_account', 'resign-public-account-batch');
  return { success: true };
}
