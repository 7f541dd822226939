import * as deptStore from '../store/departments.js';
import * as orgStore from '../store/organizations.js';
import { lockRows, type Tx } from '../store/database.js';
import { nowIso, toBool } from '../store/values.js';
import { departmentErrors } from '../messages/departments.js';
import type { Scope } from './context.js';
import { toDepartmentViews, type DepartmentView } from './org-tree.js';
import { enqueueEvent } from './outbox.js';

/**
 * What a disabled department means in Userpool (GenAuth leaves it open):
 * - status belongs to a subtree: update-department-status and update-organization-status set it
 *   on the department (the root for an organization) and on every department below it, in one
 *   transaction; update-department's own `status` still sets that one department only; a new
 *   department starts with its parent's status; moving a department does not change it;
 * - a disabled department stays in the tree: get-department, get-department-by-id,
 *   list-children-departments (which filters on `status` when asked), get-all-departments and
 *   get-user-departments show it with `status: false`;
 * - searches (search-departments, search-departments-list) answer enabled departments only,
 *   unless search-departments-list filters on `status` itself;
 * - its members stay members (removing them is always allowed), but nobody joins it: adding
 *   members, setting leaders and set-user-departments are refused while it is disabled.
 */

/** Refuses new members for disabled departments; the rows stay locked (PostgreSQL) until the caller commits. */
export async function assertDepartmentsEnabled(trx: Tx, scope: Scope, ids: string[], field = 'departmentId'): Promise<void> {
  await lockRows(trx, scope.dialect, 'departments', ids);
  const rows = await deptStore.findByIds(trx, scope.poolId, ids);
  const off = rows.find((r) => !toBool(r.status));
  if (off) throw departmentErrors.disabled(off.id, field);
}

export async function getDepartmentById(scope: Scope, input: { departmentId: string; withCustomData?: boolean }): Promise<DepartmentView> {
  const row = await deptStore.findById(scope.db, scope.poolId, input.departmentId);
  if (!row) throw departmentErrors.notFound(input.departmentId);
  return (await toDepartmentViews(scope.db, scope, [row], input))[0];
}

async function setSubtreeStatus(trx: Tx, scope: Scope, topId: string, status: boolean): Promise<{ ids: string[]; changed: string[] }> {
  const ids = await deptStore.subtreeIds(trx, scope.poolId, [topId]);
  await lockRows(trx, scope.dialect, 'departments', ids);
  const before = await deptStore.findByIds(trx, scope.poolId, ids);
  const changed = before.filter((d) => toBool(d.status) !== status).map((d) => d.id);
  await deptStore.setStatus(trx, scope.poolId, changed, status, nowIso());
  return { ids, changed };
}

/** Enables or disables a department and everything below it; answers the department as it is now. */
export async function updateDepartmentStatus(scope: Scope, input: { departmentId: string; status: boolean }): Promise<DepartmentView> {
  return scope.db.transaction().execute(async (trx) => {
    const dept = await deptStore.findById(trx, scope.poolId, input.departmentId);
    if (!dept) throw departmentErrors.notFound(input.departmentId);
    const { changed } = await setSubtreeStatus(trx, scope, dept.id, input.status);
    const department = (await toDepartmentViews(trx, scope, [(await deptStore.findById(trx, scope.poolId, dept.id))!]))[0];
    if (changed.length) {
      await enqueueEvent(trx, scope, 'organization:node-updated', {
        organizationCode: department.organizationCode, departmentId: dept.id, isRoot: dept.parent_id === null, status: input.status, departmentIds: changed, department,
      });
    }
    return department;
  });
}

/** The status the SDK sends as a string; anything else is refused rather than guessed. */
function parseStatus(value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (['true', '1', 'enabled', 'enable', 'activated'].includes(v)) return true;
  if (['false', '0', 'disabled', 'disable', 'deactivated'].includes(v)) return false;
  throw departmentErrors.badStatus(value ?? '');
}

/** Enables or disables an organization: its root department and the whole tree below. */
export async function updateOrganizationStatus(scope: Scope, input: { rootNodeId: string; status?: string }): Promise<{ success: boolean }> {
  const status = parseStatus(input.status);
  await scope.db.transaction().execute(async (trx) => {
    const org = (await orgStore.findByIds(trx, scope.poolId, [input.rootNodeId]))[0];
    if (!org) throw departmentErrors.organizationNotFound(input.rootNodeId);
    const { changed } = await setSubtreeStatus(trx, scope, org.id, status);
    if (changed.length) {
      await orgStore.updateOrganization(trx, scope.poolId, org.id, { updated_at: nowIso() });
      await enqueueEvent(trx, scope, 'organization:node-updated', { organizationCode: org.code, departmentId: org.id, isRoot: true, status, departmentIds: changed });
    }
  });
  return { success: true };
}
