import { isUniqueViolation, type Tx } from '../store/database.js';
import * as orgStore from '../store/organizations.js';
import * as deptStore from '../store/departments.js';
import type { DepartmentRow } from '../store/departments.js';
import { newId } from '../lib/ids.js';
import { nowIso, toJson } from '../store/values.js';
import { conflict } from '../errors.js';
import type { Scope } from './context.js';
import {
  checkCode, checkPaging, findOrganization, formatError, removeDepartmentRelations, toOrganizationViews,
} from './org-tree.js';
import { setLeaders } from './department-members.js';
import { enqueueEvent } from './outbox.js';

export interface CreateOrganizationInput {
  organizationCode?: string;
  organizationName: string;
  description?: string;
  openDepartmentId?: string;
  i18n?: unknown;
}

function codeTaken(code: string, field: string) {
  return conflict(`${field}: organization code "${code}" is already used in this user pool`);
}

/**
 * Creates the organization and its root department (same id) together. An empty code is
 * replaced by a generated one, as GenAuth does.
 */
export async function createOrganization(scope: Scope, input: CreateOrganizationInput) {
  const code = input.organizationCode || `org_${newId()}`;
  checkCode(code, 'organizationCode');
  const now = nowIso();
  const id = newId();
  const root: DepartmentRow = {
    id, pool_id: scope.poolId, organization_id: id, parent_id: null, name: input.organizationName, code: null,
    open_department_id: input.openDepartmentId ?? null, description: input.description ?? null,
    i18n: input.i18n === undefined ? null : toJson(input.i18n), custom_data: '{}', is_virtual_node: 0, status: 1,
    created_at: now, updated_at: now,
  };
  try {
    return await scope.db.transaction().execute(async (trx) => {
      if (await orgStore.findByCode(trx, scope.poolId, code)) throw codeTaken(code, 'organizationCode');
      await orgStore.insertOrganization(trx, { id, pool_id: scope.poolId, code, created_at: now, updated_at: now });
      await deptStore.insertDepartment(trx, root);
      const organization = (await toOrganizationViews(trx, scope, [(await orgStore.findByCode(trx, scope.poolId, code))!]))[0];
      await enqueueEvent(trx, scope, 'organization:created', { organizationCode: code, departmentId: id, organization });
      return organization;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw codeTaken(code, 'organizationCode');
    throw error;
  }
}

export async function getOrganization(scope: Scope, code: string, options: { withCustomData?: boolean }) {
  const org = await findOrganization(scope.db, scope, code, { emptyIsMalformed: true });
  return (await toOrganizationViews(scope.db, scope, [org], options))[0];
}

/** The organizations found, in the order asked; unknown codes are left out. */
export async function getOrganizations(scope: Scope, codes: string[], options: { withCustomData?: boolean }) {
  const found = new Map((await orgStore.findByCodes(scope.db, scope.poolId, codes)).map((o) => [o.code, o]));
  const rows = [...new Set(codes)].map((c) => found.get(c)).filter((o) => o !== undefined);
  return toOrganizationViews(scope.db, scope, rows, options);
}

export async function listOrganizations(
  scope: Scope,
  input: { page?: number; limit?: number; fetchAll?: boolean; keywords?: string; withCustomData?: boolean; status?: boolean },
) {
  const { page, limit } = checkPaging(input.page, input.limit);
  const { rows, total } = await orgStore.listOrganizations(scope.db, scope.poolId, {
    keywords: input.keywords,
    status: input.status,
    offset: input.fetchAll ? 0 : (page - 1) * limit,
    limit: input.fetchAll ? undefined : limit,
  });
  return { list: await toOrganizationViews(scope.db, scope, rows, input), totalCount: total };
}

export async function searchOrganizations(scope: Scope, input: { keywords: string; page?: number; limit?: number; withCustomData?: boolean }) {
  if (!input.keywords.trim()) throw formatError('keywords');
  return listOrganizations(scope, input);
}

export interface UpdateOrganizationInput {
  organizationCode: string;
  organizationNewCode?: string;
  organizationName?: string;
  description?: string;
  openDepartmentId?: string;
  leaderUserIds?: string[];
  i18n?: unknown;
}

/** Renames the code of an organization (and so of its root department) under the same rules as creation. */
export async function changeOrganizationCode(trx: Tx, scope: Scope, orgId: string, current: string, next: string, field: string): Promise<void> {
  if (next === current) return;
  checkCode(next, field);
  if (await orgStore.findByCode(trx, scope.poolId, next)) throw codeTaken(next, field);
  if (await deptStore.findOne(trx, scope.poolId, orgId, 'code', next)) {
    throw conflict(`${field}: "${next}" is already the code of a department of this organization`);
  }
  await orgStore.updateOrganization(trx, scope.poolId, orgId, { code: next, updated_at: nowIso() });
}

export async function updateOrganization(scope: Scope, input: UpdateOrganizationInput) {
  // Malformed input is refused before anything is looked up, as GenAuth does.
  if (input.organizationNewCode !== undefined) checkCode(input.organizationNewCode, 'organizationNewCode');
  try {
    return await scope.db.transaction().execute(async (trx) => {
      const org = await findOrganization(trx, scope, input.organizationCode, { emptyIsMalformed: true });
      if (input.organizationNewCode !== undefined) {
        await changeOrganizationCode(trx, scope, org.id, org.code, input.organizationNewCode, 'organizationNewCode');
      }
      const changes: Partial<DepartmentRow> = { updated_at: nowIso() };
      if (input.organizationName !== undefined) changes.name = input.organizationName;
      if (input.description !== undefined) changes.description = input.description;
      if (input.openDepartmentId !== undefined) changes.open_department_id = input.openDepartmentId || null;
      if (input.i18n !== undefined) changes.i18n = toJson(input.i18n);
      await deptStore.updateDepartment(trx, scope.poolId, org.id, changes);
      await orgStore.updateOrganization(trx, scope.poolId, org.id, { updated_at: changes.updated_at });
      if (input.leaderUserIds) await setLeaders(trx, scope, org.id, input.leaderUserIds, 'leaderUserIds');
      const updated = (await orgStore.findByIds(trx, scope.poolId, [org.id]))[0];
      const organization = (await toOrganizationViews(trx, scope, [updated]))[0];
      // The organization is its root department: GenAuth has no organization:updated, so its
      // changes are announced as the root node's.
      await enqueueEvent(trx, scope, 'organization:node-updated', { organizationCode: updated.code, previousOrganizationCode: org.code, departmentId: org.id, isRoot: true, organization });
      return organization;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('openDepartmentId: already used by another department of this organization');
    throw error;
  }
}

/** Removes the organization, its whole department tree and every relation pointing into it. */
export async function deleteOrganization(scope: Scope, code: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const org = await findOrganization(trx, scope, code, { emptyIsMalformed: true });
    const ids = await deptStore.subtreeIds(trx, scope.poolId, [org.id]);
    const memberUserIds = await deptStore.memberIds(trx, scope.poolId, ids);
    await removeDepartmentRelations(trx, scope, ids);
    await deptStore.deleteDepartments(trx, scope.poolId, ids);
    await orgStore.deleteOrganization(trx, scope.poolId, org.id);
    await enqueueEvent(trx, scope, 'organization:deleted', { organizationCode: org.code, departmentId: org.id, departmentIds: ids, memberUserIds });
  });
  return { success: true };
}
