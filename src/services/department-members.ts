import type { Db, Tx } from '../store/database.js';
import * as deptStore from '../store/departments.js';
import * as orgStore from '../store/organizations.js';
import type { DepartmentRow, MemberRow } from '../store/departments.js';
import { fromBool, nowIso, opt, parseJson, toBool } from '../store/values.js';
import { badRequest, notFound } from '../errors.js';
import type { Scope } from './context.js';
import { resolveAllUsers, resolveUser, resolveUsersForNewRelation } from './user-resolver.js';
import { toUserViews, type UserViewOptions } from './user-view.js';
import {
  checkDepartmentIdType, checkPaging, departmentGone, findOrganization, formatError, resolveDepartment, toDepartmentViews,
} from './org-tree.js';
import { enqueueEvent, enqueueEvents } from './outbox.js';
import { assertDepartmentsEnabled } from './department-status.js';

interface DepartmentRef {
  organizationCode: string;
  departmentId: string;
  departmentIdType?: string;
}

async function departmentOf(db: Db | Tx, scope: Scope, ref: DepartmentRef): Promise<DepartmentRow & { organizationCode: string }> {
  const org = await findOrganization(db, scope, ref.organizationCode);
  return { ...(await resolveDepartment(db, scope, org, ref.departmentId, ref.departmentIdType)), organizationCode: org.code };
}

/** Which of these users are members of the department already. */
async function membersAmong(trx: Tx, scope: Scope, departmentId: string, userIds: string[]): Promise<Set<string>> {
  const rows = await deptStore.membershipsOfUsers(trx, scope.poolId, userIds);
  return new Set(rows.filter((m) => m.department_id === departmentId).map((m) => m.user_id));
}

/**
 * Announces memberships that really changed, one event per department: `userIds` never names a
 * user who was already a member (added) or was not one (removed).
 */
async function announceMembers(trx: Tx, scope: Scope, change: 'added' | 'removed', departmentIds: string[], userIds: string[]): Promise<void> {
  if (departmentIds.length === 0 || userIds.length === 0) return;
  // In the order given, so the events read in the order the caller named the departments.
  const order = new Map(departmentIds.map((id, i) => [id, i]));
  const departments = (await deptStore.findByIds(trx, scope.poolId, departmentIds)).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const codes = new Map((await orgStore.findByIds(trx, scope.poolId, [...new Set(departments.map((d) => d.organization_id))])).map((o) => [o.id, o.code]));
  const name = change === 'added' ? 'organization:member-added' : 'organization:member-removed';
  await enqueueEvents(trx, scope, name, departments.map((d) => ({ organizationCode: codes.get(d.organization_id) ?? null, departmentId: d.id, userIds })));
}

/**
 * Makes exactly these users the department's leaders. A leader is a member with the leader flag,
 * so leadership is one relation that resignation and deletion remove with the membership.
 */
export async function setLeaders(trx: Tx, scope: Scope, departmentId: string, userIds: string[], field: string): Promise<void> {
  if (userIds.length) await assertDepartmentsEnabled(trx, scope, [departmentId]);
  const users = await resolveUsersForNewRelation(trx, scope, userIds, 'user_id', field);
  const already = await membersAmong(trx, scope, departmentId, users.map((u) => u.id));
  await deptStore.clearLeaders(trx, scope.poolId, departmentId);
  await deptStore.upsertLeaders(trx, scope.poolId, departmentId, [...new Set(users.map((u) => u.id))], nowIso());
  await announceMembers(trx, scope, 'added', [departmentId], users.map((u) => u.id).filter((id) => !already.has(id)));
}

/** Adds users (all or nothing; resigned users are refused); members already there stay as they are. */
export async function addMembers(scope: Scope, input: DepartmentRef & { userIds: string[] }): Promise<{ success: boolean }> {
  await scope.db
    .transaction()
    .execute(async (trx) => {
      const dept = await departmentOf(trx, scope, input);
      await assertDepartmentsEnabled(trx, scope, [dept.id]);
      const users = await resolveUsersForNewRelation(trx, scope, input.userIds, 'user_id', 'userIds');
      const already = await membersAmong(trx, scope, dept.id, users.map((u) => u.id));
      const now = nowIso();
      await deptStore.addMembers(trx, users.map((u) => ({ pool_id: scope.poolId, department_id: dept.id, user_id: u.id, is_leader: 0, is_main_department: 0, joined_at: now })));
      await announceMembers(trx, scope, 'added', [dept.id], users.map((u) => u.id).filter((id) => !already.has(id)));
    })
    .catch(departmentGone);
  return { success: true };
}

export async function removeMembers(scope: Scope, input: DepartmentRef & { userIds: string[] }): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const dept = await departmentOf(trx, scope, input);
    const users = await resolveAllUsers(trx, scope.poolId, input.userIds, 'user_id', 'userIds');
    const were = await membersAmong(trx, scope, dept.id, users.map((u) => u.id));
    await deptStore.removeMembers(trx, scope.poolId, [dept.id], users.map((u) => u.id));
    await announceMembers(trx, scope, 'removed', [dept.id], users.map((u) => u.id).filter((id) => were.has(id)));
  });
  return { success: true };
}

const MEMBER_SORT = { Default: 'joined_at', JoinDepartmentAt: 'joined_at', userId: 'id', createAt: 'created_at', updatedAt: 'updated_at' } as const;

export interface ListMembersInput extends DepartmentRef, UserViewOptions {
  includeChildrenDepartments?: boolean;
  page?: number;
  limit?: number;
  sortBy?: keyof typeof MEMBER_SORT;
  orderBy?: 'Asc' | 'Desc';
  keywords?: string;
}

export async function listMembers(scope: Scope, input: ListMembersInput) {
  const dept = await departmentOf(scope.db, scope, input);
  const { page, limit } = checkPaging(input.page, input.limit);
  if (input.keywords !== undefined && !input.keywords.trim()) throw formatError('keywords');
  const departmentIds = input.includeChildrenDepartments ? await deptStore.subtreeIds(scope.db, scope.poolId, [dept.id]) : [dept.id];
  const { rows, total } = await deptStore.listMembers(scope.db, scope.poolId, {
    departmentIds,
    keywords: input.keywords?.trim(),
    sort: MEMBER_SORT[input.sortBy ?? 'JoinDepartmentAt'],
    order: input.orderBy === 'Asc' ? 'asc' : 'desc',
    offset: (page - 1) * limit,
    limit,
  });
  return { list: await toUserViews(scope.db, scope.poolId, rows, input), totalCount: total };
}

/** Direct members only, as GenAuth's "直属成员". */
export async function listMemberIds(scope: Scope, input: DepartmentRef): Promise<string[]> {
  const dept = await departmentOf(scope.db, scope, input);
  return deptStore.memberIds(scope.db, scope.poolId, [dept.id]);
}

export async function isUserInDepartment(scope: Scope, input: DepartmentRef & { userId: string; includeChildrenDepartments?: boolean }) {
  const dept = await departmentOf(scope.db, scope, input);
  const user = await resolveUser(scope.db, scope.poolId, input.userId, 'user_id');
  const ids = input.includeChildrenDepartments ? await deptStore.subtreeIds(scope.db, scope.poolId, [dept.id]) : [dept.id];
  return { inDepartment: await deptStore.isMember(scope.db, scope.poolId, ids, user.id) };
}

const USER_DEPT_SORT = {
  DepartmentCreatedAt: (d: DepartmentRow) => d.created_at,
  JoinDepartmentAt: (_d: DepartmentRow, m: MemberRow) => m.joined_at,
  DepartmentName: (d: DepartmentRow) => d.name,
  DepartmemtCode: (d: DepartmentRow) => d.code ?? '',
} as const;

export interface UserDepartmentsInput {
  userId: string;
  userIdType?: string;
  page?: number;
  limit?: number;
  withCustomData?: boolean;
  withDepartmentPaths?: boolean;
  sortBy?: keyof typeof USER_DEPT_SORT;
  orderBy?: 'Asc' | 'Desc';
}

/** A user's departments; a user belongs to few, so they are sorted and paged here. */
export async function getUserDepartments(scope: Scope, input: UserDepartmentsInput) {
  if (input.userId === '') throw formatError('userId');
  const { page, limit } = checkPaging(input.page, input.limit);
  const user = await resolveUser(scope.db, scope.poolId, input.userId, input.userIdType);
  const memberships = await deptStore.membershipsOfUsers(scope.db, scope.poolId, [user.id]);
  const departments = new Map((await deptStore.findByIds(scope.db, scope.poolId, memberships.map((m) => m.department_id))).map((d) => [d.id, d]));
  const key = USER_DEPT_SORT[input.sortBy ?? 'JoinDepartmentAt'];
  const sign = input.orderBy === 'Asc' ? 1 : -1;
  const sorted = memberships
    .map((m) => ({ m, d: departments.get(m.department_id)! }))
    .sort((a, b) => sign * key(a.d, a.m).localeCompare(key(b.d, b.m)) || sign * a.d.id.localeCompare(b.d.id));
  const pageItems = sorted.slice((page - 1) * limit, page * limit);
  const views = new Map((await toDepartmentViews(scope.db, scope, pageItems.map((i) => i.d), input)).map((v) => [v.departmentId, v]));
  const paths = input.withDepartmentPaths ? await deptStore.paths(scope.db, scope.poolId, pageItems.map((i) => i.d.id)) : undefined;
  const list = pageItems.map(({ m, d }) => {
    const view = views.get(d.id)!;
    const path = paths?.get(d.id);
    return {
      organizationCode: view.organizationCode,
      departmentId: d.id,
      isRoot: d.parent_id === null,
      createdAt: d.created_at,
      name: d.name,
      description: d.description ?? '',
      openDepartmentId: opt(d.open_department_id),
      isLeader: toBool(m.is_leader),
      code: view.code ?? '',
      isMainDepartment: toBool(m.is_main_department),
      joinedAt: m.joined_at,
      isVirtualNode: toBool(d.is_virtual_node),
      i18n: parseJson(d.i18n, undefined),
      customData: view.customData,
      ...(path && {
        departmentIdPath: path.map((p) => p.id),
        departmentCodePath: path.map((p) => (p.parent_id ? (p.code ?? '') : (view.organizationCode))),
        departmentNamePath: path.map((p) => p.name),
      }),
    };
  });
  return { list, totalCount: sorted.length };
}

/**
 * Replaces a user's departments with exactly the given ones (memberships kept keep their join
 * time). Department ids are unique in the pool, so no organization code is needed.
 */
export async function setUserDepartments(
  scope: Scope,
  input: { userId: string; departments: Array<{ departmentId: string; isLeader?: boolean; isMainDepartment?: boolean }>; options?: { userIdType?: string } },
): Promise<{ success: boolean }> {
  if (input.departments.filter((d) => d.isMainDepartment).length > 1) throw badRequest('departments: at most one department can be the main department');
  await scope.db.transaction().execute(async (trx) => {
    const ids = [...new Set(input.departments.map((d) => d.departmentId))];
    const found = new Set((await deptStore.findByIds(trx, scope.poolId, ids.filter(Boolean))).map((d) => d.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw notFound(`存在不合法的 departmentId: ${missing.join(', ')}`);
    const [user] = await resolveUsersForNewRelation(trx, scope, [input.userId], input.options?.userIdType, 'userId');
    const current = await deptStore.membershipsOfUsers(trx, scope.poolId, [user.id]);
    const had = new Set(current.map((m) => m.department_id));
    // Keeping a membership in a disabled department is fine; joining one is not.
    await assertDepartmentsEnabled(trx, scope, ids.filter((id) => !had.has(id)), 'departments');
    const stale = current.filter((m) => !found.has(m.department_id)).map((m) => m.department_id);
    if (stale.length) await deptStore.removeMembers(trx, scope.poolId, stale, [user.id]);
    const now = nowIso();
    for (const d of input.departments) {
      const flags = { is_leader: fromBool(d.isLeader), is_main_department: fromBool(d.isMainDepartment) };
      await deptStore.addMembers(trx, [{ pool_id: scope.poolId, department_id: d.departmentId, user_id: user.id, ...flags, joined_at: now }]);
      await deptStore.setMemberFlags(trx, scope.poolId, d.departmentId, user.id, flags);
    }
    const added = ids.filter((id) => !had.has(id));
    await announceMembers(trx, scope, 'added', added, [user.id]);
    await announceMembers(trx, scope, 'removed', stale, [user.id]);
    if (added.length || stale.length) {
      await enqueueEvent(trx, scope, 'user:organization-node-update', { userId: user.id, departmentIds: ids, addedDepartmentIds: added, removedDepartmentIds: stale });
    }
  }).catch(departmentGone);
  return { success: true };
}

/**
 * create-user's departmentIds: no organization is given, so codes and open ids are looked up
 * across the pool and must name exactly one department.
 */
export async function placeInDepartments(trx: Tx, scope: Scope, userId: string, departmentIds: string[], rawType: string | undefined, field: string): Promise<void> {
  const type = checkDepartmentIdType(rawType);
  const targets: string[] = [];
  for (const [i, value] of departmentIds.entries()) {
    let matches: string[];
    if (type === 'department_id') matches = (await deptStore.findByIds(trx, scope.poolId, [value])).map((d) => d.id);
    else if (type === 'open_department_id') matches = (await deptStore.findManyBy(trx, scope.poolId, 'open_department_id', value)).map((d) => d.id);
    else {
      const org = await orgStore.findByCode(trx, scope.poolId, value);
      matches = [...(org ? [org.id] : []), ...(await deptStore.findManyBy(trx, scope.poolId, 'code', value)).map((d) => d.id)];
    }
    if (matches.length === 0) throw notFound(`${field}[${i}]: no department "${value}" (departmentIdType ${type}) in this user pool`);
    if (matches.length > 1) throw badRequest(`${field}[${i}]: "${value}" names ${matches.length} departments in different organizations; use department_id`);
    targets.push(matches[0]);
  }
  await assertDepartmentsEnabled(trx, scope, [...new Set(targets)], field);
  const now = nowIso();
  await deptStore.addMembers(trx, [...new Set(targets)].map((id) => ({ pool_id: scope.poolId, department_id: id, user_id: userId, is_leader: 0, is_main_department: 0, joined_at: now })));
}

export interface DepartmentFilter {
  organizationCode: string;
  departmentId: string;
  departmentIdType?: string;
  includeChildrenDepartments?: boolean;
}

/**
 * list-users' advancedFilter `{ field: "department", operator: "IN", value: [DepartmentFilter] }`:
 * the ids of the departments named (and of those below them when asked), whose members the user
 * list narrows on. Each must exist; the members themselves are matched in the list's query.
 */
async function departmentsOf(db: Db | Tx, scope: Scope, filters: DepartmentFilter[]): Promise<string[]> {
  const ids: string[] = [];
  for (const f of filters) {
    const dept = await departmentOf(db, scope, f);
    ids.push(...(f.includeChildrenDepartments ? await deptStore.subtreeIds(db, scope.poolId, [dept.id]) : [dept.id]));
  }
  return [...new Set(ids)];
}

/** list-users' `department` filter item: checks its shape, answers the ids of the departments it selects. */
export async function departmentsOfFilter(scope: Scope, item: { operator: string; value?: unknown }, where: string): Promise<string[]> {
  if (item.operator !== 'IN') throw badRequest(`${where}.operator: the department filter takes IN, not ${item.operator}`);
  const value = item.value;
  const ok = Array.isArray(value) && value.length > 0 && value.every((v) => v && typeof v.organizationCode === 'string' && typeof v.departmentId === 'string');
  if (!ok) throw badRequest(`${where}.value: must be a non-empty array of { organizationCode, departmentId, departmentIdType?, includeChildrenDepartments? }`);
  return departmentsOf(scope.db, scope, value as DepartmentFilter[]);
}
