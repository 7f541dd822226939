import { lockRows } from '../store/database.js';
import * as users from '../store/users.js';
import { removeAllRelations, type RelationSnapshot } from '../store/user-relations.js';
import { nowIso } from '../store/values.js';
import { badRequest } from '../errors.js';
import type { Scope } from './context.js';
import { resolveAllUsers } from './user-resolver.js';
import { recordAudits } from './audit.js';
import { enqueueEvents } from './outbox.js';
import { revokeUserTokens } from './session-endings.js';
import { toUserView } from './user-view.js';

export type AccountKind = 'user' | 'public_account';

export interface ResignationOutcome {
  userId: string;
  /** False when the user had already resigned: a retry changes nothing. */
  resigned: boolean;
  removed: RelationSnapshot | null;
}

/**
 * Resigns users (or public accounts), all or nothing, in one transaction: every relation is
 * removed and snapshotted into the audit log, the profile is kept, the status becomes Resigned
 * / Closed, every session ends, and a `user:resigned` event is queued. Rows are locked first
 * (PostgreSQL), and every add-member path takes the same lock and refuses Resigned users, so a
 * racing add-member either commits before (and is removed here) or fails after.
 */
export async function resign(scope: Scope, ids: string[], userIdType: string | undefined, kind: AccountKind, action: string): Promise<ResignationOutcome[]> {
  const field = ids.length === 1 && action === 'resign-user' ? 'userId' : 'userIds';
  const outcomes = await scope.db.transaction().execute(async (trx) => {
    const resolved = await resolveAllUsers(trx, scope.poolId, ids, userIdType, field);
    const targetIds = [...new Set(resolved.map((r) => r.id))];
    await lockRows(trx, scope.dialect, 'users', targetIds);
    const rows = await users.findManyBy(trx, scope.poolId, 'id', targetIds);

    if (kind === 'public_account') {
      const notPublic = ids.filter((_, i) => resolved[i].account_type !== 'public_account');
      if (notPublic.length) {
        throw badRequest(`${field}: ${notPublic.map((id) => `"${id}"`).join(', ')} ${notPublic.length === 1 ? 'is not a public account' : 'are not public accounts'}; use resign-user-batch for people`);
      }
    }

    const pending = rows.filter((r) => r.status !== 'Resigned').map((r) => r.id);
    const snapshots = await removeAllRelations(trx, scope.poolId, pending);
    const at = nowIso();
    if (pending.length) {
      await users.markResigned(trx, scope.poolId, pending, at);
      await revokeUserTokens(trx, scope, scope.poolId, pending, action);
    }
    const targetType = kind === 'user' ? 'user' : 'public_account';
    await recordAudits(trx, scope, pending.map((userId) => ({ action, targetType, targetIds: [userId], detail: { resignedAt: at, removed: snapshots.get(userId) } })));
    const byId = new Map(rows.map((r) => [r.id, r]));
    await enqueueEvents(trx, scope, 'user:resigned', pending.map((userId) => ({
      userId, accountType: kind, resignedAt: at, requestId: scope.requestId, actor: scope.actor, removed: snapshots.get(userId),
      user: { ...toUserView(byId.get(userId)!), status: 'Resigned', workStatus: 'Closed', statusChangedAt: at, updatedAt: at },
    })));
    return targetIds.map((userId) => ({ userId, resigned: pending.includes(userId), removed: snapshots.get(userId) ?? null }));
  });
  scope.observer?.resigned(outcomes.filter((o) => o.resigned).length);
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

