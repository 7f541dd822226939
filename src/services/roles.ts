import { refuseReservedRole } from './console-client.js';
import type { Db, Tx } from '../store/database.js';
import { isUniqueViolation } from '../store/database.js';
import * as store from '../store/roles.js';
import type { RoleRow, RoleWithNamespace, Target } from '../store/roles.js';
import type { RoleTargetType } from '../store/tables/roles-groups.js';
import { newId } from '../lib/ids.js';
import { fromBool, nowIso, toBool } from '../store/values.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Scope } from './context.js';
import { resolveAllUsers, resolveUser, resolveUsersForNewRelation, withUserPhrase } from './user-resolver.js';
import { toUserViews, type UserView, type UserViewOptions } from './user-view.js';
import { enqueueEvent, enqueueEvents } from './outbox.js';
import { roleErrors } from '../messages/roles.js';
import { membershipsOf } from './authorization.js';
import {
  removeAuthorizationsOfTargets, checkBatchCode, checkCode, checkList, checkLookupCode, checkPaging, formatError, namespaceForRead, namespaceForWrite,
} from './namespaces.js';

/** Roles live in a permission namespace (`default` when a call names none) and are held by users and departments. */

export interface RoleView {
  id: string;
  code: string;
  name: string;
  description: string;
  namespace: string;
  namespaceName: string;
  status: string;
  disableTime?: number;
  enablePermissionApply: boolean;
}

export function toRoleView(row: RoleWithNamespace): RoleView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description ?? '',
    namespace: row.namespace_code,
    namespaceName: row.namespace_name,
    status: row.status,
    ...(row.disable_time !== null ? { disableTime: Number(row.disable_time) } : {}),
    enablePermissionApply: toBool(row.enable_permission_apply),
  };
}

const roleNotFound = roleErrors.notFound;

function parseTime(value: string | number | undefined | null, field: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw formatError(field, 'milliseconds since the epoch');
  return Math.trunc(n);
}

export async function findRole(db: Db | Tx, poolId: string, code: string, namespace: string | undefined, write?: Tx): Promise<RoleWithNamespace> {
  const ns = write ? await namespaceForWrite(write, poolId, namespace) : await namespaceForRead(db, poolId, namespace);
  const [row] = await store.findByCodes(db, poolId, ns.id, [code]);
  if (!row) throw roleNotFound(code, ns.code);
  return row;
}

export interface RoleInput {
  code: string;
  name?: string;
  namespace?: string;
  description?: string;
  disableTime?: string | number;
}

async function insertRoles(scope: Scope, inputs: RoleInput[], where: (i: number) => string): Promise<RoleWithNamespace[]> {
  const now = nowIso();
  return scope.db.transaction().execute(async (trx) => {
    const rows: RoleRow[] = [];
    const seen = new Set<string>();
    for (const [i, input] of inputs.entries()) {
      const ns = await namespaceForWrite(trx, scope.poolId, input.namespace, `${where(i)}namespace`);
      const key = `${ns.id}/${input.code}`;
      if (seen.has(key)) throw conflict(`${where(i)}code: role "${input.code}" appears twice in this request`);
      seen.add(key);
      if ((await store.findByCodes(trx, scope.poolId, ns.id, [input.code])).length) {
        throw conflict(`${where(i)}code: role "${input.code}" already exists in namespace "${ns.code}" (角色 code 已存在)`);
      }
      rows.push({
        id: newId(), pool_id: scope.poolId, namespace_id: ns.id, code: input.code, name: input.name || input.code, description: input.description ?? null,
        status: 'ENABLE', disable_time: parseTime(input.disableTime, `${where(i)}disableTime`), enable_permission_apply: 0, custom_data: '{}', created_at: now, updated_at: now,
      });
    }
    try {
      await store.insert(trx, rows);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('code: a role with this code was created in the same namespace at the same time (角色 code 已存在)');
      throw error;
    }
    const created = await store.findByIds(trx, scope.poolId, rows.map((r) => r.id));
    await enqueueEvents(trx, scope, 'role:created', created.map((r) => ({ roleId: r.id, code: r.code, name: r.name, namespace: r.namespace_code })));
    return created;
  });
}

export async function createRole(scope: Scope, input: RoleInput): Promise<RoleView> {
  checkCode('role', input.code, 'code');
  return toRoleView((await insertRoles(scope, [input], () => ''))[0]);
}

export async function createRoles(scope: Scope, list: RoleInput[]): Promise<{ success: boolean }> {
  checkList(list, 'list');
  for (const item of list) checkBatchCode('role', item.code);
  await insertRoles(scope, list, (i) => `list[${i}].`);
  return { success: true };
}

export async function getRole(scope: Scope, code: string, namespace?: string): Promise<RoleView> {
  checkLookupCode(code);
  return toRoleView(await findRole(scope.db, scope.poolId, code, namespace));
}

export async function listRoles(scope: Scope, query: { page?: number; limit?: number; keywords?: string; namespace?: string }): Promise<{ list: RoleView[]; totalCount: number }> {
  const { offset, limit } = checkPaging(query.page, query.limit);
  const ns = await namespaceForRead(scope.db, scope.poolId, query.namespace);
  const { rows, total } = await store.list(scope.db, scope.poolId, ns.id, query.keywords, offset, limit);
  return { list: rows.map(toRoleView), totalCount: total };
}

export interface RoleUpdate {
  code: string;
  newCode?: string;
  name?: string;
  namespace?: string;
  description?: string;
  status?: string;
  disableTime?: string | number;
  enablePermissionApply?: boolean;
}

/** An empty `newCode` keeps the code, as GenAuth does. */
export async function updateRole(scope: Scope, input: RoleUpdate): Promise<{ success: boolean }> {
  checkLookupCode(input.code);
  if (input.newCode) checkCode('role', input.newCode, 'newCode');
  if (input.status !== undefined && input.status !== 'ENABLE' && input.status !== 'DISABLE') throw badRequest('status: must be ENABLE or DISABLE');
  const disableTime = input.disableTime === undefined ? undefined : parseTime(input.disableTime, 'disableTime');
  return scope.db.transaction().execute(async (trx) => {
    const role = await findRole(trx, scope.poolId, input.code, input.namespace);
    if (input.newCode && input.newCode !== role.code) refuseReservedRole([role], 'code');
    const changes: Partial<RoleRow> = { updated_at: nowIso() };
    if (input.newCode && input.newCode !== role.code) {
      if ((await store.findByCodes(trx, scope.poolId, role.namespace_id, [input.newCode])).length) {
        throw conflict(`newCode: role "${input.newCode}" already exists in namespace "${role.namespace_code}" (角色 code 已存在)`);
      }
      changes.code = input.newCode;
    }
    if (input.name) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.status !== undefined) changes.status = input.status;
    if (disableTime !== undefined) changes.disable_time = disableTime;
    if (input.enablePermissionApply !== undefined) changes.enable_permission_apply = fromBool(input.enablePermissionApply);
    await store.update(trx, scope.poolId, role.id, changes);
    await enqueueEvent(trx, scope, 'role:updated', { roleId: role.id, code: changes.code ?? role.code, previousCode: role.code, namespace: role.namespace_code, changes: Object.keys(changes).filter((k) => k !== 'updated_at') });
    return { success: true };
  });
}

/** All or nothing: every code must name a role of the namespace. */
export async function deleteRoles(scope: Scope, codes: string[], namespace?: string): Promise<{ success: boolean }> {
  checkList(codes, 'codeList');
  return scope.db.transaction().execute(async (trx) => {
    const ns = await namespaceForRead(trx, scope.poolId, namespace);
    const rows = await store.findByCodes(trx, scope.poolId, ns.id, codes);
    const missing = [...new Set(codes)].filter((c) => !rows.some((r) => r.code === c));
    if (missing.length) throw roleErrors.someNotFound(missing, ns.code);
    refuseReservedRole(rows.map((r) => ({ code: r.code, namespace_code: ns.code })), 'codeList');
    await removeRoles(trx, scope.poolId, rows.map((r) => r.id));
    await enqueueEvents(trx, scope, 'role:deleted', rows.map((r) => ({ roleId: r.id, code: r.code, namespace: ns.code })));
    return { success: true };
  });
}

/** Removes roles and everything pointing at them, inside the caller's transaction. */
export async function removeRoles(trx: Tx, poolId: string, roleIds: string[]): Promise<void> {
  await removeAuthorizationsOfTargets(trx, poolId, 'ROLE', roleIds);
  await store.remove(trx, poolId, roleIds); // assignments cascade
}

// ---- assignments ----

export interface TargetInput {
  targetType: string;
  targetIdentifier: string;
}

/**
 * Targets to rows. Users are resolved by id (TargetDto has no userIdType); for a new relation
 * they are locked and resigned users refused. Departments must exist in this pool.
 */
async function resolveTargets(trx: Tx, scope: Scope, targets: TargetInput[], forNewRelation: boolean): Promise<Target[]> {
  checkList(targets, 'targets');
  targets.forEach((t, i) => {
    if (t.targetType !== 'USER' && t.targetType !== 'DEPARTMENT') throw badRequest(`targets[${i}].targetType: a role is assigned to USER or DEPARTMENT, not ${t.targetType}`);
  });
  const userIds = targets.filter((t) => t.targetType === 'USER').map((t) => t.targetIdentifier);
  const departmentIds = targets.filter((t) => t.targetType === 'DEPARTMENT').map((t) => t.targetIdentifier);
  if (userIds.length) {
    await withUserPhrase(() =>
      forNewRelation ? resolveUsersForNewRelation(trx, scope, userIds, 'user_id', 'targets') : resolveAllUsers(trx, scope.poolId, userIds, 'user_id', 'targets'),
    );
  }
  if (departmentIds.length) {
    const found = await store.existingDepartmentIds(trx, scope.poolId, departmentIds);
    const missing = [...new Set(departmentIds)].filter((id) => !found.has(id));
    if (missing.length) throw roleErrors.departmentsNotFound(missing);
  }
  return targets.map((t) => ({ type: t.targetType as RoleTargetType, id: t.targetIdentifier }));
}

export interface RoleRef {
  code: string;
  namespace?: string;
}

async function findRoles(trx: Tx, scope: Scope, refs: RoleRef[], field: string, write: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, ref] of refs.entries()) {
    checkLookupCode(ref.code, refs.length > 1 || field !== 'code' ? `${field}[${i}].code` : 'code');
    ids.push((await findRole(trx, scope.poolId, ref.code, ref.namespace, write ? trx : undefined)).id);
  }
  return ids;
}

export async function assignRoles(scope: Scope, refs: RoleRef[], targets: TargetInput[], times: { enableTime?: number; endTime?: number } = {}, field = 'code'): Promise<{ success: boolean }> {
  if (field === 'roles') checkList(refs, 'roles');
  checkList(targets, 'targets');
  return scope.db.transaction().execute(async (trx) => {
    const roleIds = await findRoles(trx, scope, refs, field, true);
    const resolved = await resolveTargets(trx, scope, targets, true);
    await store.assign(trx, scope.poolId, roleIds, resolved, times, nowIso());
    await enqueueEvent(trx, scope, 'role:assigned', { roleIds, targets: resolved });
    return { success: true };
  });
}

export async function revokeRoles(scope: Scope, refs: RoleRef[], targets: TargetInput[], field = 'code'): Promise<{ success: boolean }> {
  if (field === 'roles') checkList(refs, 'roles');
  checkList(targets, 'targets');
  return scope.db.transaction().execute(async (trx) => {
    const roleIds = await findRoles(trx, scope, refs, field, false);
    const resolved = await resolveTargets(trx, scope, targets, false);
    await store.revoke(trx, scope.poolId, roleIds, resolved);
    await enqueueEvent(trx, scope, 'role:unassigned', { roleIds, targets: resolved });
    return { success: true };
  });
}

export async function listRoleMembers(
  scope: Scope,
  query: { code: string; namespace?: string; page?: number; limit?: number } & UserViewOptions,
): Promise<{ list: UserView[]; totalCount: number }> {
  checkLookupCode(query.code);
  const { offset, limit } = checkPaging(query.page, query.limit);
  const role = await findRole(scope.db, scope.poolId, query.code, query.namespace);
  const { rows, total } = await store.listUserMembers(scope.db, scope.poolId, role.id, offset, limit);
  return { list: await toUserViews(scope.db, scope.poolId, rows, query), totalCount: total };
}

export async function listRoleDepartments(
  scope: Scope,
  query: { code: string; namespace?: string; page?: number; limit?: number },
): Promise<{ list: Array<{ id: string; code: string; name: string; description: string }>; totalCount: number }> {
  checkLookupCode(query.code);
  const { offset, limit } = checkPaging(query.page, query.limit);
  const role = await findRole(scope.db, scope.poolId, query.code, query.namespace);
  const { rows, total } = await store.listDepartmentMembers(scope.db, scope.poolId, role.id, offset, limit);
  // A root department's code is its organization's.
  return { list: rows.map((d) => ({ id: d.id, code: d.code ?? d.organization_code, name: d.name, description: d.description ?? '' })), totalCount: total };
}

/** Roles the user holds directly in one namespace (`default` when none is named), as GenAuth documents. */
/**
 * get-user-roles answers the roles that count for the user now, exactly those resource grants
 * (`is-action-allowed`, `get-user-authorized-resources`) and application access rules evaluate:
 * held directly or through a department the user is in or one above it, enabled, and inside the
 * assignment's time window. Direct roles come first, in the order they were assigned.
 */
export async function getUserRoles(scope: Scope, userId: string, userIdType?: string, namespace?: string): Promise<{ list: RoleView[]; totalCount: number }> {
  const user = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  const ns = await namespaceForRead(scope.db, scope.poolId, namespace);
  if (!ns.id) return { list: [], totalCount: 0 };
  const { roleLinks } = await membershipsOf(scope.db, scope.poolId, user.id);
  const effective = new Set(roleLinks.map((link) => link.roleId));
  const direct = (await store.rolesOfUser(scope.db, scope.poolId, user.id, ns.id)).filter((r) => effective.has(r.id));
  const directIds = new Set(direct.map((r) => r.id));
  const throughDepartments = (await store.findByIds(scope.db, scope.poolId, [...effective].filter((id) => !directIds.has(id))))
    .filter((r) => r.namespace_id === ns.id)
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  const rows = [...direct, ...throughDepartments];
  return { list: rows.map(toRoleView), totalCount: rows.length };
}

/** True when the user directly holds at least one of the roles; unknown roles or namespaces simply do not match. */
export async function hasAnyRole(scope: Scope, userId: string, roles: RoleRef[], userIdType?: string): Promise<{ hasAnyRole: boolean }> {
  checkList(roles, 'roles');
  const user = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  const held = await store.rolesOfUser(scope.db, scope.poolId, user.id);
  const hasAny = roles.some((r) => held.some((h) => h.code === r.code && h.namespace_code === (r.namespace || 'default')));
  return { hasAnyRole: hasAny };
}
