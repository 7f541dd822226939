import type { Db, Tx } from '../store/database.js';
import * as orgStore from '../store/organizations.js';
import * as deptStore from '../store/departments.js';
import type { OrganizationRow } from '../store/organizations.js';
import type { DepartmentRow } from '../store/departments.js';
import { opt, parseJson, toBool } from '../store/values.js';
import { badRequest, notFound } from '../errors.js';
import { removeAuthorizationsOfTargets } from './grants.js';
import type { Scope } from './context.js';
import type { Static } from 'typebox';
import type { Department } from '../schemas/organizations.js';
import { MAX_PAGE } from '../schemas/common.js';

/**
 * What organizations, departments and members share: code rules, lookups, wire views and the
 * clean-up of relations that point at departments. The wording of several errors is GenAuth's
 * own (the official SDK's specs compare them verbatim), so clients matching on them keep working.
 */

const CODE = /^[A-Za-z0-9_.-]+$/;
export const MAX_CODE = 64;

export const formatError = (field: string) => badRequest(`参数 ${field} 格式错误`);

/**
 * Organization and department codes: one rule, since a root department's code is its
 * organization's. GenAuth words every malformed code as an organization code; we keep that.
 */
export function checkCode(code: string, field: string): void {
  if (code.length > MAX_CODE) throw formatError(field);
  if (!CODE.test(code)) throw badRequest(`invalid organization code: ${code}`);
}

export function checkPaging(page: number | undefined, limit: number | undefined, max = 50): { page: number; limit: number } {
  const p = page ?? 1;
  const l = limit ?? 10;
  if (!Number.isInteger(p) || p < 1 || p > MAX_PAGE) throw formatError('page');
  if (!Number.isInteger(l) || l < 1 || l > max) throw formatError('limit');
  return { page: p, limit: l };
}

/**
 * Department endpoints answer an unknown code, even an empty or blank one, with 404; the
 * organization endpoints refuse an empty code as malformed (both as GenAuth does).
 */
export async function findOrganization(db: Db | Tx, scope: Scope, code: string, options: { emptyIsMalformed?: boolean } = {}): Promise<OrganizationRow> {
  if (code.length > MAX_CODE || (options.emptyIsMalformed && code === '')) throw formatError('organizationCode');
  const org = await orgStore.findByCode(db, scope.poolId, code);
  if (!org) throw notFound(`organization not found for code: ${code}`);
  return org;
}

export const DEPARTMENT_ID_TYPES = ['department_id', 'code', 'open_department_id'] as const;
export type DepartmentIdType = (typeof DEPARTMENT_ID_TYPES)[number];

export function checkDepartmentIdType(type: string | undefined): DepartmentIdType {
  const value = type ?? 'department_id';
  if (!(DEPARTMENT_ID_TYPES as readonly string[]).includes(value)) {
    throw badRequest(`departmentIdType: unsupported type "${value}"; expected one of ${DEPARTMENT_ID_TYPES.join(', ')}`);
  }
  return value as DepartmentIdType;
}

/** `root` (department_id) and the organization's own code (code) name the root department. */
export async function resolveDepartment(db: Db | Tx, scope: Scope, org: OrganizationRow, id: string, rawType: string | undefined, field = 'departmentId'): Promise<DepartmentRow> {
  const type = checkDepartmentIdType(rawType);
  let found: DepartmentRow | undefined;
  if ((type === 'department_id' && id === 'root') || (type === 'code' && id === org.code)) {
    found = await deptStore.findOne(db, scope.poolId, org.id, 'id', org.id);
  } else {
    const column = type === 'department_id' ? 'id' : type;
    found = await deptStore.findOne(db, scope.poolId, org.id, column, id);
  }
  if (!found) throw notFound(`${field}: no department "${id}" (departmentIdType ${type}) in organization "${org.code}"`);
  return found;
}

export type DepartmentView = Static<typeof Department>;

interface ViewOptions {
  withCustomData?: boolean;
  flatCustomData?: boolean;
}

/** Rows to DepartmentDto; counts, leaders and parents in one query per kind. */
export async function toDepartmentViews(db: Db | Tx, scope: Scope, rows: DepartmentRow[], options: ViewOptions = {}): Promise<DepartmentView[]> {
  const ids = rows.map((r) => r.id);
  const parentIds = [...new Set(rows.map((r) => r.parent_id).filter((p): p is string => Boolean(p)))];
  const orgIds = [...new Set(rows.map((r) => r.organization_id))];
  const [stats, leaders, parents, orgs] = await Promise.all([
    deptStore.stats(db, scope.poolId, ids),
    deptStore.leaderIds(db, scope.poolId, ids),
    deptStore.findByIds(db, scope.poolId, parentIds),
    orgStore.findByIds(db, scope.poolId, orgIds),
  ]);
  const orgCode = new Map(orgs.map((o) => [o.id, o.code]));
  const parentById = new Map(parents.map((p) => [p.id, p]));
  const codeOf = (d: DepartmentRow) => (d.parent_id ? opt(d.code) : orgCode.get(d.organization_id));
  return rows.map((row) => {
    const parent = row.parent_id ? parentById.get(row.parent_id) : undefined;
    const view: Record<string, unknown> = {
      organizationCode: orgCode.get(row.organization_id) ?? '',
      departmentId: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      openDepartmentId: opt(row.open_department_id),
      name: row.name,
      leaderUserIds: leaders.get(row.id) ?? [],
      description: opt(row.description),
      parentDepartmentId: row.parent_id ?? '',
      code: codeOf(row),
      parentDepartmentCode: (parent && codeOf(parent)) ?? '',
      membersCount: stats.members.get(row.id) ?? 0,
      hasChildren: stats.withChildren.has(row.id),
      isVirtualNode: toBool(row.is_virtual_node),
      i18n: parseJson(row.i18n, undefined),
      status: toBool(row.status),
    };
    if (options.withCustomData || options.flatCustomData) {
      const custom = parseJson<Record<string, unknown>>(row.custom_data, {});
      if (options.flatCustomData) Object.assign(view, custom);
      else view.customData = custom;
    }
    return view as DepartmentView;
  });
}

/** An organization is its root department seen from above: OrganizationDto. */
export async function toOrganizationViews(db: Db | Tx, scope: Scope, orgs: OrganizationRow[], options: ViewOptions = {}) {
  const roots = await deptStore.findByIds(db, scope.poolId, orgs.map((o) => o.id));
  const views = new Map((await toDepartmentViews(db, scope, roots, options)).map((v) => [v.departmentId, v]));
  return orgs.map((org) => {
    const root = views.get(org.id)!;
    return {
      organizationCode: org.code,
      organizationName: root.name,
      description: root.description,
      createdAt: org.created_at,
      updatedAt: org.updated_at,
      departmentId: org.id,
      openDepartmentId: root.openDepartmentId,
      hasChildren: root.hasChildren,
      leaderUserIds: root.leaderUserIds,
      membersCount: root.membersCount,
      isVirtualNode: false,
      i18n: root.i18n,
      customData: root.customData,
      // Its root department's status: update-organization-status sets it (see department-status.ts).
      status: root.status,
    };
  });
}

/**
 * A membership insert lost a race with the deletion of its department (PostgreSQL checks the
 * foreign key at insert time): answered as the 404 the caller would have got a moment later.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export function departmentGone(error: unknown): never {
  if (isForeignKeyViolation(error)) throw notFound('departmentId: the department was deleted while this request ran');
  throw error;
}

/**
 * Removes every relation that points at the given departments, in the caller's transaction,
 * before the departments themselves go: memberships (leadership included) and resource grants.
 * Role assignments need nothing here: their department_id foreign key cascades. A family that
 * adds another relation to departments adds its removal here.
 */
export async function removeDepartmentRelations(trx: Tx, scope: Scope, departmentIds: string[]): Promise<void> {
  if (departmentIds.length === 0) return;
  await deptStore.removeMembers(trx, scope.poolId, departmentIds);
  await removeAuthorizationsOfTargets(trx, scope.poolId, 'DEPARTMENT', departmentIds);
}
