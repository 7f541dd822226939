import { isUniqueViolation } from '../store/database.js';
import * as store from '../store/department-sync-relations.js';
import type { DepartmentSyncRelationRow } from '../store/department-sync-relations.js';
import { newId } from '../lib/ids.js';
import { nowIso } from '../store/values.js';
import { departmentErrors } from '../messages/departments.js';
import type { Scope } from './context.js';
import { findOrganization, resolveDepartment } from './org-tree.js';
import { enqueueEvent } from './outbox.js';

/**
 * Sync relations of departments (`<provider>:<departmentIdInIdp>`), as identities.ts keeps them
 * for users. In the cloud sync jobs write them; here create-department-sync-relation does, so
 * imports and tests can. `userIdInIdp` repeats the outside id under the name the SDK's
 * UserSyncRelationDto gives it.
 */
function view(row: DepartmentSyncRelationRow) {
  return { provider: row.provider, departmentIdInIdp: row.department_id_in_idp, userIdInIdp: row.department_id_in_idp, departmentId: row.department_id, createdAt: row.created_at };
}

interface DepartmentRef {
  organizationCode: string;
  departmentId?: string;
  departmentIdType?: string;
}

export async function createDepartmentSyncRelation(scope: Scope, input: DepartmentRef & { provider: string; departmentIdInIdp: string }) {
  try {
    return await scope.db.transaction().execute(async (trx) => {
      const org = await findOrganization(trx, scope, input.organizationCode);
      const dept = await resolveDepartment(trx, scope, org, input.departmentId ?? 'root', input.departmentIdType);
      if (await store.findByProviderId(trx, scope.poolId, input.provider, input.departmentIdInIdp)) throw departmentErrors.syncRelationTaken(input.provider, input.departmentIdInIdp);
      const row: DepartmentSyncRelationRow = {
        id: newId(), pool_id: scope.poolId, department_id: dept.id, provider: input.provider, department_id_in_idp: input.departmentIdInIdp, created_at: nowIso(),
      };
      await store.insert(trx, row);
      await enqueueEvent(trx, scope, 'organization:node-updated', { organizationCode: org.code, departmentId: dept.id, isRoot: dept.parent_id === null, syncRelationAdded: view(row) });
      return view(row);
    });
  } catch (error) {
    // A concurrent create of the same outside id lost the race on the unique index.
    if (isUniqueViolation(error)) throw departmentErrors.syncRelationTaken(input.provider, input.departmentIdInIdp);
    throw error;
  }
}

/** The department's sync relations (the root's when no department is named), oldest first. */
export async function getDepartmentSyncRelations(scope: Scope, input: DepartmentRef) {
  const org = await findOrganization(scope.db, scope, input.organizationCode);
  const dept = await resolveDepartment(scope.db, scope, org, input.departmentId ?? 'root', input.departmentIdType);
  const rows = await store.ofDepartment(scope.db, scope.poolId, dept.id);
  return { list: rows.map(view), totalCount: rows.length };
}

/** Removes the department's relations with one provider; none there is success with nothing changed. */
export async function deleteDepartmentSyncRelations(scope: Scope, input: DepartmentRef & { provider: string }): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const org = await findOrganization(trx, scope, input.organizationCode);
    const dept = await resolveDepartment(trx, scope, org, input.departmentId ?? 'root', input.departmentIdType);
    const removed = await store.removeOfDepartment(trx, scope.poolId, dept.id, input.provider);
    if (removed.length) {
      await enqueueEvent(trx, scope, 'organization:node-updated', { organizationCode: org.code, departmentId: dept.id, isRoot: dept.parent_id === null, syncRelationsRemoved: removed.map(view) });
    }
  });
  return { success: true };
}
