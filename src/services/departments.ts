import { isUniqueViolation } from '../store/database.js';
import * as deptStore from '../store/departments.js';
import type { DepartmentRow } from '../store/departments.js';
import type { OrganizationRow } from '../store/organizations.js';
import { newId } from '../lib/ids.js';
import { fromBool, nowIso, parseJson, toBool, toJson } from '../store/values.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Scope } from './context.js';
import type { Db, Tx } from '../store/database.js';
import {
  checkCode, findOrganization, formatError, removeDepartmentRelations, resolveDepartment, toDepartmentViews, type DepartmentView,
} from './org-tree.js';
import { changeOrganizationCode } from './organizations.js';
import { setLeaders } from './department-members.js';
import { enqueueEvent } from './outbox.js';

export interface CreateDepartmentInput {
  organizationCode: string;
  name: string;
  parentDepartmentId: string;
  departmentIdType?: string;
  openDepartmentId?: string;
  description?: string;
  code?: string;
  isVirtualNode?: boolean;
  i18n?: unknown;
  customData?: Record<string, unknown>;
  leaderUserIds?: string[];
}

function translateUnique(error: unknown): never {
  if (isUniqueViolation(error)) throw conflict('code: or openDepartmentId: already used by another department of this organization');
  throw error;
}

/** Department codes share a namespace with the organization's own code (the root's code). */
async function assertCodeFree(db: Db | Tx, scope: Scope, org: OrganizationRow, code: string, selfId?: string): Promise<void> {
  const holder = code === org.code ? { id: org.id } : await deptStore.findOne(db, scope.poolId, org.id, 'code', code);
  if (holder && holder.id !== selfId) throw conflict(`code: "${code}" is already used by another department of organization "${org.code}"`);
}

async function assertOpenIdFree(db: Db | Tx, scope: Scope, org: OrganizationRow, openId: string, selfId?: string): Promise<void> {
  const holder = await deptStore.findOne(db, scope.poolId, org.id, 'open_department_id', openId);
  if (holder && holder.id !== selfId) throw conflict(`openDepartmentId: "${openId}" is already used by another department of organization "${org.code}"`);
}

export async function createDepartment(scope: Scope, input: CreateDepartmentInput): Promise<DepartmentView> {
  // GenAuth refuses a blank organization code here (and only here) as malformed, in these words.
  if (input.organizationCode !== '' && input.organizationCode.trim() === '') throw badRequest(`invalid organization code ${input.organizationCode}`);
  if (input.code !== undefined) checkCode(input.code, 'code');
  const now = nowIso();
  try {
    return await scope.db.transaction().execute(async (trx) => {
      const org = await findOrganization(trx, scope, input.organizationCode);
      const parent = await resolveDepartment(trx, scope, org, input.parentDepartmentId, input.departmentIdType, 'parentDepartmentId');
      if (input.code) await assertCodeFree(trx, scope, org, input.code);
      if (input.openDepartmentId) await assertOpenIdFree(trx, scope, org, input.openDepartmentId);
      const row: DepartmentRow = {
        id: newId(), pool_id: scope.poolId, organization_id: org.id, parent_id: parent.id, name: input.name,
        code: input.code || null, open_department_id: input.openDepartmentId || null, description: input.description ?? null,
        i18n: input.i18n === undefined ? null : toJson(input.i18n), custom_data: toJson(input.customData ?? {}),
        is_virtual_node: fromBool(input.isVirtualNode),
        // A department starts with its parent's status: one made under a disabled parent is disabled too.
        status: toBool(parent.status) ? 1 : 0, created_at: now, updated_at: now,
      };
      await deptStore.insertDepartment(trx, row);
      if (input.leaderUserIds?.length) await setLeaders(trx, scope, row.id, input.leaderUserIds, 'leaderUserIds');
      const department = (await toDepartmentViews(trx, scope, [row], { withCustomData: true }))[0];
      await enqueueEvent(trx, scope, 'organization:node-added', { organizationCode: org.code, departmentId: row.id, parentDepartmentId: parent.id, department });
      return department;
    });
  } catch (error) {
    return translateUnique(error);
  }
}

export interface GetDepartmentInput {
  organizationCode?: string;
  departmentId?: string;
  departmentCode?: string;
  departmentIdType?: string;
  withCustomData?: boolean;
  flatCustomData?: boolean;
}

export async function getDepartment(scope: Scope, input: GetDepartmentInput): Promise<DepartmentView> {
  if (!input.departmentId && !input.departmentCode) throw badRequest('departmentId: give departmentId or departmentCode');
  let row: DepartmentRow | undefined;
  if (input.organizationCode === undefined) {
    // Department ids are unique in the pool, so the organization is optional for them.
    if (!input.departmentId || (input.departmentIdType ?? 'department_id') !== 'department_id') {
      throw badRequest('organizationCode: is required unless the department is given by its departmentId');
    }
    row = (await deptStore.findByIds(scope.db, scope.poolId, [input.departmentId]))[0];
    if (!row) throw notFound(`departmentId: no department "${input.departmentId}" in this user pool`);
  } else {
    const org = await findOrganization(scope.db, scope, input.organizationCode);
    row = input.departmentCode
      ? await resolveDepartment(scope.db, scope, org, input.departmentCode, 'code', 'departmentCode')
      : await resolveDepartment(scope.db, scope, org, input.departmentId!, input.departmentIdType);
  }
  return (await toDepartmentViews(scope.db, scope, [row], input))[0];
}

export interface UpdateDepartmentInput {
  organizationCode: string;
  departmentId: string;
  departmentIdType?: string;
  leaderUserIds?: string[];
  description?: string;
  code?: string;
  i18n?: unknown;
  status?: boolean;
  name?: string;
  parentDepartmentId?: string;
  openDepartmentId?: string;
  customData?: Record<string, unknown>;
}

/**
 * The root department is the organization: its code is the organization's code and follows the
 * organization's rules; it cannot move.
 */
export async function updateDepartment(scope: Scope, input: UpdateDepartmentInput): Promise<DepartmentView> {
  // Malformed input is refused before anything is looked up, as GenAuth does.
  if (input.code !== undefined) checkCode(input.code, 'code');
  try {
    return await scope.db.transaction().execute(async (trx) => {
      const org = await findOrganization(trx, scope, input.organizationCode);
      const dept = await resolveDepartment(trx, scope, org, input.departmentId, input.departmentIdType);
      const isRoot = dept.parent_id === null;
      const changes: Partial<DepartmentRow> = { updated_at: nowIso() };
      if (input.code !== undefined) {
        if (isRoot) await changeOrganizationCode(trx, scope, org.id, org.code, input.code, 'code');
        else {
          await assertCodeFree(trx, scope, org, input.code, dept.id);
          changes.code = input.code;
        }
      }
      if (input.openDepartmentId) await assertOpenIdFree(trx, scope, org, input.openDepartmentId, dept.id);
      if (input.openDepartmentId !== undefined) changes.open_department_id = input.openDepartmentId || null;
      if (input.parentDepartmentId !== undefined) {
        if (isRoot) throw badRequest('parentDepartmentId: the root department cannot be moved');
        const parent = await resolveDepartment(trx, scope, org, input.parentDepartmentId, input.departmentIdType, 'parentDepartmentId');
        const below = await deptStore.subtreeIds(trx, scope.poolId, [dept.id]);
        if (below.includes(parent.id)) throw badRequest('parentDepartmentId: a department cannot move below itself');
        changes.parent_id = parent.id;
      }
      if (input.name !== undefined) changes.name = input.name;
      if (input.description !== undefined) changes.description = input.description;
      if (input.i18n !== undefined) changes.i18n = toJson(input.i18n);
      if (input.status !== undefined) changes.status = fromBool(input.status);
      if (input.customData !== undefined) {
        changes.custom_data = toJson({ ...parseJson<Record<string, unknown>>(dept.custom_data, {}), ...input.customData });
      }
      await deptStore.updateDepartment(trx, scope.poolId, dept.id, changes);
      if (input.leaderUserIds) await setLeaders(trx, scope, dept.id, input.leaderUserIds, 'leaderUserIds');
      const updated = (await deptStore.findByIds(trx, scope.poolId, [dept.id]))[0];
      const department = (await toDepartmentViews(trx, scope, [updated], { withCustomData: true }))[0];
      const organizationCode = department.organizationCode;
      await enqueueEvent(trx, scope, 'organization:node-updated', { organizationCode, departmentId: dept.id, isRoot, department });
      if (changes.parent_id !== undefined && changes.parent_id !== dept.parent_id) {
        await enqueueEvent(trx, scope, 'organization:node-moved', { organizationCode, departmentId: dept.id, previousParentDepartmentId: dept.parent_id, parentDepartmentId: changes.parent_id });
      }
      return department;
    });
  } catch (error) {
    return translateUnique(error);
  }
}

/** Deletes the department with its whole subtree and every relation pointing into it. */
export async function deleteDepartment(scope: Scope, input: { organizationCode: string; departmentId: string; departmentIdType?: string }) {
  await scope.db.transaction().execute(async (trx) => {
    const org = await findOrganization(trx, scope, input.organizationCode);
    const dept = await resolveDepartment(trx, scope, org, input.departmentId, input.departmentIdType);
    if (dept.parent_id === null) throw badRequest('departmentId: the root department is the organization; delete the organization instead');
    const ids = await deptStore.subtreeIds(trx, scope.poolId, [dept.id]);
    const memberUserIds = await deptStore.memberIds(trx, scope.poolId, ids);
    await removeDepartmentRelations(trx, scope, ids);
    await deptStore.deleteDepartments(trx, scope.poolId, ids);
    await enqueueEvent(trx, scope, 'organization:node-deleted', { organizationCode: org.code, departmentId: dept.id, parentDepartmentId: dept.parent_id, departmentIds: ids, memberUserIds });
  });
  return { success: true };
}

export async function listChildren(
  scope: Scope,
  input: { organizationCode: string; departmentId: string; departmentIdType?: string; status?: boolean; excludeVirtualNode?: boolean; onlyVirtualNode?: boolean; withCustomData?: boolean },
) {
  const org = await findOrganization(scope.db, scope, input.organizationCode);
  const dept = await resolveDepartment(scope.db, scope, org, input.departmentId, input.departmentIdType);
  if (input.excludeVirtualNode && input.onlyVirtualNode) throw badRequest('onlyVirtualNode: cannot be combined with excludeVirtualNode');
  const virtual = input.onlyVirtualNode ? true : input.excludeVirtualNode ? false : undefined;
  const rows = await deptStore.listChildren(scope.db, scope.poolId, dept.id, { status: input.status, virtual });
  return { list: await toDepartmentViews(scope.db, scope, rows, input), totalCount: rows.length };
}

/** Every department below the given one (itself excluded), as get-all-departments. */
export async function allDepartments(scope: Scope, input: { organizationCode: string; departmentId?: string; departmentIdType?: string; withCustomData?: boolean }) {
  const org = await findOrganization(scope.db, scope, input.organizationCode);
  const top = await resolveDepartment(scope.db, scope, org, input.departmentId ?? 'root', input.departmentIdType);
  const ids = (await deptStore.subtreeIds(scope.db, scope.poolId, [top.id])).filter((id) => id !== top.id);
  const rows = (await deptStore.findByIds(scope.db, scope.poolId, ids)).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  return { list: await toDepartmentViews(scope.db, scope, rows, input), totalCount: rows.length };
}

export async function searchDepartments(scope: Scope, input: { organizationCode: string; keywords: string; withCustomData?: boolean }) {
  const org = await findOrganization(scope.db, scope, input.organizationCode);
  if (!input.keywords.trim()) throw formatError('keywords');
  const rows = await deptStore.search(scope.db, scope.poolId, org.id, input.keywords.trim());
  return toDepartmentViews(scope.db, scope, rows, input);
}

export async function getParentDepartment(scope: Scope, input: { organizationCode: string; departmentId: string; departmentIdType?: string; withCustomData?: boolean }) {
  const org = await findOrganization(scope.db, scope, input.organizationCode);
  const dept = await resolveDepartment(scope.db, scope, org, input.departmentId, input.departmentIdType);
  if (!dept.parent_id) throw notFound(`departmentId: "${input.departmentId}" is the root department of organization "${org.code}" and has no parent`);
  const parent = (await deptStore.findByIds(scope.db, scope.poolId, [dept.parent_id]))[0];
  return (await toDepartmentViews(scope.db, scope, [parent], input))[0];
}
