import { sql } from 'kysely';
import type { Db, Tx } from './database.js';
import type { RoleAssignmentsTable, RolesTable, RoleTargetType } from './tables/roles-groups.js';
import type { UserRow } from './users.js';
import { likePattern } from './like.js';

export type RoleRow = RolesTable;
export type RoleAssignmentRow = RoleAssignmentsTable;
export type RoleWithNamespace = RoleRow & { namespace_code: string; namespace_name: string };
type Conn = Db | Tx;

function withNamespace(db: Conn, poolId: string) {
  return db
    .selectFrom('roles')
    .innerJoin('namespaces', 'namespaces.id', 'roles.namespace_id')
    .selectAll('roles')
    .select(['namespaces.code as namespace_code', 'namespaces.name as namespace_name'])
    .where('roles.pool_id', '=', poolId);
}

export async function findByCodes(db: Conn, poolId: string, namespaceId: string, codes: string[]): Promise<RoleWithNamespace[]> {
  if (codes.length === 0) return [];
  return withNamespace(db, poolId).where('roles.namespace_id', '=', namespaceId).where('roles.code', 'in', codes).execute();
}

export async function findByIds(db: Conn, poolId: string, ids: string[]): Promise<RoleWithNamespace[]> {
  if (ids.length === 0) return [];
  return withNamespace(db, poolId).where('roles.id', 'in', ids).execute();
}

export async function idsInNamespaces(db: Conn, poolId: string, namespaceIds: string[]): Promise<string[]> {
  if (namespaceIds.length === 0) return [];
  const rows = await db.selectFrom('roles').select('id').where('pool_id', '=', poolId).where('namespace_id', 'in', namespaceIds).execute();
  return rows.map((r) => r.id);
}

export async function insert(db: Conn, rows: RoleRow[]): Promise<void> {
  if (rows.length) await db.insertInto('roles').values(rows).execute();
}

export async function update(db: Conn, poolId: string, id: string, changes: Partial<RoleRow>): Promise<void> {
  await db.updateTable('roles').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export async function remove(db: Conn, poolId: string, ids: string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('roles').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

export async function list(db: Conn, poolId: string, namespaceId: string, keywords: string | undefined, offset: number, limit: number): Promise<{ rows: RoleWithNamespace[]; total: number }> {
  let query = withNamespace(db, poolId).where('roles.namespace_id', '=', namespaceId);
  if (keywords) {
    const pattern = likePattern(keywords.toLowerCase());
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['roles.code']), 'like', pattern), eb(eb.fn('lower', ['roles.name']), 'like', pattern)]));
  }
  const { total } = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query.orderBy('roles.created_at', 'desc').orderBy('roles.id', 'desc').offset(offset).limit(limit).execute();
  return { rows, total: Number(total) };
}

// ---- assignments ----

export interface Target {
  type: RoleTargetType;
  id: string;
}

/** Adds assignments; ones that already exist are kept as they are (assigning twice is not an error). */
export async function assign(db: Conn, poolId: string, roleIds: string[], targets: Target[], times: { enableTime?: number; endTime?: number }, now: string): Promise<void> {
  const rows: RoleAssignmentRow[] = roleIds.flatMap((roleId) =>
    targets.map((t) => ({
      pool_id: poolId,
      role_id: roleId,
      target_type: t.type,
      target_id: t.id,
      user_id: t.type === 'USER' ? t.id : null,
      department_id: t.type === 'DEPARTMENT' ? t.id : null,
      enable_time: times.enableTime ?? null,
      end_time: times.endTime ?? null,
      created_at: now,
    })),
  );
  if (rows.length === 0) return;
  await db
    .insertInto('role_assignments')
    .values(rows)
    .onConflict((oc) => oc.columns(['role_id', 'target_type', 'target_id']).doNothing())
    .execute();
}

export async function revoke(db: Conn, poolId: string, roleIds: string[], targets: Target[]): Promise<void> {
  if (roleIds.length === 0 || targets.length === 0) return;
  await db
    .deleteFrom('role_assignments')
    .where('pool_id', '=', poolId)
    .where('role_id', 'in', roleIds)
    .where((eb) => eb.or(targets.map((t) => eb.and([eb('target_type', '=', t.type), eb('target_id', '=', t.id)]))))
    .execute();
}

/** Users holding the role directly, newest assignment first. */
export async function listUserMembers(db: Conn, poolId: string, roleId: string, offset: number, limit: number): Promise<{ rows: UserRow[]; total: number }> {
  const base = db
    .selectFrom('role_assignments')
    .innerJoin('users', 'users.id', 'role_assignments.user_id')
    .where('role_assignments.pool_id', '=', poolId)
    .where('role_assignments.role_id', '=', roleId)
    .where('role_assignments.target_type', '=', 'USER');
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('users')
    .orderBy('role_assignments.created_at', 'desc')
    .orderBy('users.id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
  return { rows, total: Number(total) };
}

export interface DepartmentRef {
  id: string;
  code: string | null;
  name: string;
  description: string | null;
  organization_code: string;
}

export async function listDepartmentMembers(db: Conn, poolId: string, roleId: string, offset: number, limit: number): Promise<{ rows: DepartmentRef[]; total: number }> {
  const base = db
    .selectFrom('role_assignments')
    .innerJoin('departments', 'departments.id', 'role_assignments.department_id')
    .innerJoin('organizations', 'organizations.id', 'departments.organization_id')
    .where('role_assignments.pool_id', '=', poolId)
    .where('role_assignments.role_id', '=', roleId)
    .where('role_assignments.target_type', '=', 'DEPARTMENT');
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['departments.id', 'departments.code', 'departments.name', 'departments.description', 'organizations.code as organization_code'])
    .orderBy('role_assignments.created_at', 'desc')
    .orderBy('departments.id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
  return { rows, total: Number(total) };
}

/** Roles a user holds directly, optionally within one namespace. */
export async function rolesOfUser(db: Conn, poolId: string, userId: string, namespaceId?: string): Promise<RoleWithNamespace[]> {
  let query = withNamespace(db, poolId)
    .innerJoin('role_assignments', 'role_assignments.role_id', 'roles.id')
    .where('role_assignments.target_type', '=', 'USER')
    .where('role_assignments.user_id', '=', userId);
  if (namespaceId) query = query.where('roles.namespace_id', '=', namespaceId);
  return query.orderBy('role_assignments.created_at', 'asc').orderBy('roles.id', 'asc').execute();
}

/** Existing departments of this pool among the given ids. */
export async function existingDepartmentIds(db: Conn, poolId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('departments').select('id').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export interface AssignmentListRow {
  target_type: RoleTargetType;
  target_id: string;
  enable_time: number | string | null;
  end_time: number | string | null;
  created_at: string;
  target_name: string | null;
}

/**
 * A role's assignments (users and departments), newest first, each with a name for its target
 * (the user's name, else username, email or phone; the department's name). `query` matches those
 * names and the target id, case-insensitively.
 */
export async function listAssignments(
  db: Conn,
  poolId: string,
  roleId: string,
  filter: { types: RoleTargetType[]; query?: string; offset: number; limit: number },
): Promise<{ rows: AssignmentListRow[]; total: number }> {
  const userName = sql<string | null>`coalesce(u.name, u.username, u.email, u.phone)`;
  let base = db
    .selectFrom('role_assignments as a')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'a.user_id'))
    .leftJoin('departments as d', (j) => j.onRef('d.id', '=', 'a.department_id'))
    .where('a.pool_id', '=', poolId)
    .where('a.role_id', '=', roleId)
    .where('a.target_type', 'in', filter.types);
  if (filter.query) {
    const pattern = likePattern(filter.query.toLowerCase());
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(a.target_id)`, 'like', pattern),
        ...(['u.name', 'u.username', 'u.email', 'u.phone', 'd.name'] as const).map((c) => eb(sql`lower(${sql.ref(c)})`, 'like', pattern)),
      ]),
    );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['a.target_type', 'a.target_id', 'a.enable_time', 'a.end_time', 'a.created_at', sql<string | null>`case when a.target_type = 'USER' then ${userName} else d.name end`.as('target_name')])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.target_id', 'asc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  return { rows, total: Number(total) };
}
