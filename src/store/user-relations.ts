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

/** Reads every relation of the users (for the audit snapshot), then deletes them all. */
export async function removeAllRelations(trx: Tx, poolId: string, userIds: string[]): Promise<Map<string, RelationSnapshot>> {
  const snapshots = new Map(userIds.map((id) => [id, emptySnapshot()]));
  if (userIds.length === 0) return snapshots;

  const departments = await trx.selectFrom('department_members').select(['user_id', 'department_id', 'is_leader', 'is_main_department'])
    .where('pool_id', '=', poolId).where('user_id', 'in', userIds).orderBy('department_id').execute();
  byUser(departments, (r) => ({ departmentId: r.department_id, isLeader: r.is_leader === 1, isMainDepartment: r.is_main_department === 1 }), 'departments', snapshots);

  const roles = await trx.selectFrom('role_assignments').select(['user_id', 'role_id'])
    .where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds).orderBy('role_id').execute();
  byUser(roles, (r) => ({ roleId: r.role_id }), 'roles', snapshots);

  const groups = await trx.selectFrom('group_members').select(['user_id', 'group_id'])
    .where('pool_id', '=', poolId).where('user_id', 'in', userIds).orderBy('group_id').execute();
  byUser(groups, (r) => ({ groupId: r.group_id }), 'groups', snapshots);

  const posts = await trx.selectFrom('user_posts').select(['user_id', 'post_id'])
    .where('pool_id', '=', poolId).where('user_id', 'in', userIds).orderBy('post_id').execute();
  byUser(posts, (r) => ({ postId: r.post_id }), 'posts', snapshots);

  const grants = await trx.selectFrom('authorizations').select(['id', 'user_id', 'namespace', 'resource_code', 'resource_type', 'actions', 'effect'])
    .where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds).orderBy('id').execute();
  byUser(grants, (r) => ({
    authorizationId: r.id, namespace: r.namespace, resourceCode: r.resource_code, resourceType: r.resource_type,
    actions: JSON.parse(r.actions || '[]'), effect: r.effect,
  }), 'authorizations', snapshots);

  const bindings = await trx.selectFrom('public_account_bindings').select(['public_account_id', 'user_id'])
    .where('pool_id', '=', poolId)
    .where((eb) => eb.or([eb('user_id', 'in', userIds), eb('public_account_id', 'in', userIds)]))
    .orderBy('public_account_id').orderBy('user_id').execute();
  for (const b of bindings) {
    for (const owner of [b.user_id, b.public_account_id]) {
      snapshots.get(owner)?.publicAccounts.push({ publicAccountId: b.public_account_id, userId: b.user_id });
    }
  }

  const appRules = await trx.selectFrom('application_access').select(['user_id', 'app_id', 'effect'])
    .where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds).orderBy('app_id').execute();
  byUser(appRules, (r) => ({ appId: r.app_id, effect: r.effect }), 'applicationAccess', snapshots);

  await trx.deleteFrom('department_members').where('pool_id', '=', poolId).where('user_id', 'in', userIds).execute();
  await trx.deleteFrom('role_assignments').where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds).execute();
  await trx.deleteFrom('group_members').where('pool_id', '=', poolId).where('user_id', 'in', userIds).execute();
  await trx.deleteFrom('user_posts').where('pool_id', '=', poolId).where('user_id', 'in', userIds).execute();
  await trx.deleteFrom('authorizations').where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds).execute();
  await trx.deleteFrom('public_account_bindings').where('pool_id', '=', poolId)
    .where((eb) => eb.or([eb('user_id', 'in', userIds), eb('public_account_id', 'in', userIds)])).execute();
  await trx.deleteFrom('application_access').where('pool_id', '=', poolId).where('target_type', '=', 'USER').where('user_id', 'in', userIds).execute();
  return snapshots;
}
