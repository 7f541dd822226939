import { refuseReservedRole } from './console-client.js';
import * as store from '../store/roles.js';
import type { RoleTargetType } from '../store/tables/roles-groups.js';
import { roleErrors } from '../messages/roles.js';
import type { Scope } from './context.js';
import { enqueueEvents } from './outbox.js';
import { checkList, checkLookupCode, checkPaging, namespaceForRead } from './namespaces.js';
import { findRole, removeRoles } from './roles.js';
import * as namespaceStore from '../store/namespaces.js';
import type { NamespaceRow } from '../store/namespaces.js';

/** list-namespace-roles: a page of a namespace's roles, newest first; keywords match code or name. */
export async function listNamespaceRoles(scope: Scope, q: { code: string; page?: number; limit?: number; keywords?: string }) {
  const ns = await namespaceForRead(scope.db, scope.poolId, checkLookupCode(q.code), 'code');
  const { offset, limit } = checkPaging(q.page, q.limit);
  const { rows, total } = ns.id ? await store.list(scope.db, scope.poolId, ns.id, q.keywords || undefined, offset, limit) : { rows: [], total: 0 };
  return {
    list: rows.map((r) => ({ id: r.id, code: r.code, name: r.name, description: r.description ?? '', namespace: r.namespace_code, updatedAt: r.updated_at })),
    totalCount: total,
  };
}

/**
 * Deletes roles named by code and namespace across namespaces, all or nothing: every pair must
 * name a role, and the refusal names each one that does not.
 */
export async function deleteRolesAcrossNamespaces(scope: Scope, roleList: Array<{ code: string; namespace: string }>): Promise<{ success: boolean }> {
  checkList(roleList, 'roleList');
  roleList.forEach((r, i) => checkLookupCode(r.code, `roleList[${i}].code`));
  return scope.db.transaction().execute(async (trx) => {
    const namespaces = new Map<string, NamespaceRow | undefined>();
    for (const code of new Set(roleList.map((r) => r.namespace || 'default'))) {
      // An unknown namespace (or a default one never written to) holds no roles: its pairs are missing.
      namespaces.set(code, await namespaceStore.findByCode(trx, scope.poolId, code));
    }
    const found: store.RoleWithNamespace[] = [];
    const missing: Array<{ code: string; namespace: string }> = [];
    for (const ref of roleList) {
      const namespace = ref.namespace || 'default';
      const ns = namespaces.get(namespace);
      const [row] = ns ? await store.findByCodes(trx, scope.poolId, ns.id, [ref.code]) : [];
      if (row) found.push(row);
      else missing.push({ code: ref.code, namespace });
    }
    if (missing.length) throw roleErrors.refsNotFound(missing);
    refuseReservedRole(found, 'roleList');
    const unique = [...new Map(found.map((r) => [r.id, r])).values()];
    await removeRoles(trx, scope.poolId, unique.map((r) => r.id));
    await enqueueEvents(trx, scope, 'role:deleted', unique.map((r) => ({ roleId: r.id, code: r.code, namespace: r.namespace_code })));
    return { success: true };
  });
}

/**
 * Userpool keeps no mutual-exclusion rules between roles (nothing to create them with), so no
 * set of roles is mutually exclusive: the answer is false once every role is found. Unknown roles
 * are refused rather than answered false, so a typo is not mistaken for "allowed together".
 */
export async function checkRoleMutualExclusion(scope: Scope, roles: Array<{ code: string; namespace?: string }>): Promise<{ existMutuallyExclusive: boolean }> {
  checkList(roles, 'roles');
  for (const [i, ref] of roles.entries()) {
    checkLookupCode(ref.code, `roles[${i}].code`);
    await findRole(scope.db, scope.poolId, ref.code, ref.namespace);
  }
  return { existMutuallyExclusive: false };
}

const TARGET_TYPES: Record<string, RoleTargetType> = { USER: 'USER', ORG: 'DEPARTMENT', DEPARTMENT: 'DEPARTMENT' };

/**
 * list-role-assignments: who holds the role (users and departments, `ORG` in the SDK's words),
 * newest first. Each item is the SDK's RolePermissionListDto (the role, the assignment's status
 * and times) plus the target: `targetType`, `targetIdentifier` and `targetName`.
 */
export async function listRoleAssignments(
  scope: Scope,
  q: { roleCode: string; namespaceCode?: string; page?: number; limit?: number; query?: string; targetType?: string[] },
) {
  const { offset, limit } = checkPaging(q.page, q.limit);
  const types = [...new Set((q.targetType?.length ? q.targetType : ['USER', 'ORG']).map((t, i) => {
    const type = TARGET_TYPES[t];
    if (!type) throw roleErrors.badTargetType(t, `targetType[${i}]`);
    return type;
  }))];
  const role = await findRole(scope.db, scope.poolId, checkLookupCode(q.roleCode, 'roleCode'), q.namespaceCode);
  const { rows, total } = await store.listAssignments(scope.db, scope.poolId, role.id, { types, query: q.query || undefined, offset, limit });
  const now = Date.now();
  return {
    totalCount: total,
    data: rows.map((a) => {
      const enableTime = a.enable_time === null ? undefined : Number(a.enable_time);
      const endTime = a.end_time === null ? undefined : Number(a.end_time);
      const active = (enableTime === undefined || enableTime <= now) && (endTime === undefined || endTime > now);
      return {
        roleId: role.id, status: active ? 'ENABLE' : 'DISABLE', enableTime, endTime, userPoolId: scope.poolId,
        roleName: role.name, roleCode: role.code, description: role.description ?? '', createdAt: a.created_at, updatedAt: a.created_at,
        targetType: a.target_type === 'USER' ? 'USER' : 'ORG', targetIdentifier: a.target_id, targetName: a.target_name ?? '',
      };
    }),
  };
}
