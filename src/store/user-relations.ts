import type { Tx } from './database.js';

/**
 * Every relation that attaches a user to the directory, as one list: the resignation snapshots
 * and removes exactly these, and tests compare against the same list. A new relation table
 * belongs here, or resignation would leave it behind.
 */
export interface RelationSnapshot {
  departments: Array<{ departmentId: string; isLeader: boolean; isMainDepartment: boolean }>;
  roles: Array<{ roleId: string }>;
  groups: Array<{ groupId: string }>;
  posts: Array<{ postId: string }>;
  authorizations: Array<{ authorizationId: string; namespace: string; resourceCode: string; resourceType: string; actions: unknown; effect: string }>;
  /** Public accounts this user may use; for a public account, the users bound to it. */
  publicAccounts: Array<{ publicAccountId: string; userId: string }>;
  /** Access rules naming the user on applications (authorize-application-access). */
  applicationAccess: Array<{ appId: string; effect: string }>;
}

export const emptySnapshot = (): RelationSnapshot => ({ departments: [], roles: [], groups: [], posts: [], authorizations: [], publicAccounts: [], applicationAccess: [] });

function byUser<T>(rows: Array<T & { user_id: string | null }>, map: (row: T) => unknown, key: keyof RelationSnapshot, into: Map<string, RelationSnapshot>) {
  for (const row of rows) {
    if (!row.user_id) continue;
    const snap = into.get(row.user_id);
    if (snap) (snap[key] as unknown[]).push(map(row));
  }
}

const byKey = <T>(key: (row: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * Deletes every relation of the users and answers what was deleted, per user, for the audit
 * snapshot. Each table is one DELETE ... RETURNING (both databases have it): one round trip per
 * relation instead of a read and a delete. RETURNING gives no order, so each list is sorted here.
 */
export async function removeAllRelations(trx: Tx, poolId: string, userIds: string[]): Promise<Map<string, RelationSnapshot>> {
  const snapshots = new Map(userIds.map((id) => [id, emptySnapshot()]));
  if (userIds.length === 0) return snapshots;

  const departments = await trx.deleteFrom('department_members').where('pool_id', '=', poolId).where('user_id', 'in', userIds)
    .returning(['user_id', 'department_id', 'is_leader', 'is_main_department']).execute();
  departments.sort(byKey((r) => r.department_id));
  byUser(departments, (r) => ({ departmentId: r.department_id, isLeader: r.is_leader === 1, isMainDepartment: r.is_main_department === 1 }), 'departments', snapshots);

  const roles = await trx.deleteFrom('role_assignments').where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds)
    .returning(['user_id', 'role_id']).execute();
  roles.sort(byKey((r) => r.role_id));
  byUser(roles, (r) => ({ roleId: r.role_id }), 'roles', snapshots);

  const groups = await trx.deleteFrom('group_members').where('pool_id', '=', poolId).where('user_id', 'in', userIds)
    .returning(['user_id', 'group_id']).execute();
  groups.sort(byKey((r) => r.group_id));
  byUser(groups, (r) => ({ groupId: r.group_id }), 'groups', snapshots);

  const posts = await trx.deleteFrom('user_posts').where('pool_id', '=', poolId).where('user_id', 'in', userIds)
    .returning(['user_id', 'post_id']).execute();
  posts.sort(byKey((r) => r.post_id));
  byUser(posts, (r) => ({ postId: r.post_id }), 'posts', snapshots);

  const grants = await trx.deleteFrom('authorizations').where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds)
    .returning(['id', 'user_id', 'namespace', 'resource_code', 'resource_type', 'actions', 'effect']).execute();
  grants.sort(byKey((r) => r.id));
  byUser(grants, (r) => ({
    authorizationId: r.id, namespace: r.namespace, resourceCode: r.resource_code, resourceType: r.resource_type,
    actions: JSON.parse(r.actions || '[]'), effect: r.effect,
  }), 'authorizations', snapshots);

  const bindings = await trx.deleteFrom('public_account_bindings').where('pool_id', '=', poolId)
    .where((eb) => eb.or([eb('user_id', 'in', userIds), eb('public_account_id', 'in', userIds)]))
    .returning(['public_account_id', 'user_id']).execute();
  bindings.sort(byKey((r) => `${r.public_account_id}\u0000${r.user_id}`));
  for (const b of bindings) {
    for (const owner of [b.user_id, b.public_account_id]) {
      snapshots.get(owner)?.publicAccounts.push({ publicAccountId: b.public_account_id, userId: b.user_id });
    }
  }

  const appRules = await trx.deleteFrom('application_access').where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds)
    .returning(['user_id', 'app_id', 'effect']).execute();
  appRules.sort(byKey((r) => r.app_id));
  byUser(appRules, (r) => ({ appId: r.app_id, effect: r.effect }), 'applicationAccess', snapshots);
  return snapshots;
}
