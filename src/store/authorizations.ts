import { sql } from 'kysely';
import type { Db, Tx } from './database.js';
import type { AuthorizationsTable } from './tables/posts-resources.js';

export type AuthorizationRow = AuthorizationsTable;
export type TargetType = AuthorizationRow['target_type'];
type Conn = Db | Tx;

/** Inserts grants; a grant that exists (same resource, target and effect) gets the new actions. */
export async function upsertGrants(db: Conn, rows: AuthorizationRow[]): Promise<void> {
  for (const row of rows) {
    await db
      .insertInto('authorizations')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['pool_id', 'namespace', 'resource_code', 'target_type', 'target_id', 'effect'])
          .doUpdateSet({ actions: row.actions, resource_type: row.resource_type, updated_at: row.updated_at }),
      )
      .execute();
  }
}

export async function deleteGrants(
  db: Conn,
  poolId: string,
  keys: Array<{ namespace: string; resourceCode: string; targetType: TargetType; targetId: string; effect: AuthorizationRow['effect'] }>,
): Promise<AuthorizationRow[]> {
  const removed: AuthorizationRow[] = [];
  for (const k of keys) {
    const rows = await db
      .deleteFrom('authorizations')
      .where('pool_id', '=', poolId)
      .where('namespace', '=', k.namespace)
      .where('resource_code', '=', k.resourceCode)
      .where('target_type', '=', k.targetType)
      .where('target_id', '=', k.targetId)
      .where('effect', '=', k.effect)
      .returningAll()
      .execute();
    removed.push(...rows);
  }
  return removed;
}

export async function deleteByTargets(db: Conn, poolId: string, targetType: TargetType, targetIds: string[]): Promise<AuthorizationRow[]> {
  if (targetIds.length === 0) return [];
  const base = db.deleteFrom('authorizations').where('pool_id', '=', poolId).where('target_type', '=', targetType).where('target_id', 'in', targetIds);
  return base.returningAll().execute();
}

export async function grantsOfTargets(
  db: Conn,
  poolId: string,
  namespace: string,
  targets: Array<{ type: TargetType; ids: string[] }>,
  resourceType?: string,
): Promise<AuthorizationRow[]> {
  const wanted = targets.filter((t) => t.ids.length > 0);
  if (wanted.length === 0) return [];
  let query = db
    .selectFrom('authorizations')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('namespace', '=', namespace)
    .where((eb) => eb.or(wanted.map((t) => eb.and([eb('target_type', '=', t.type), eb('target_id', 'in', t.ids)]))));
  if (resourceType) query = query.where('resource_type', '=', resourceType);
  return query.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

export async function grantsOnResource(
  db: Conn,
  poolId: string,
  namespace: string,
  resourceCode: string,
  f: { targetType?: TargetType; offset: number; limit: number },
): Promise<{ rows: AuthorizationRow[]; total: number }> {
  let query = db.selectFrom('authorizations').where('pool_id', '=', poolId).where('namespace', '=', namespace).where('resource_code', '=', resourceCode);
  if (f.targetType) query = query.where('target_type', '=', f.targetType);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').offset(f.offset).limit(f.limit).execute(),
    query.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/*
 * Subjects a grant can target, read from the tables of the organization and role/group
 * families. Kept here rather than calling their stores so that the grant queries depend only
 * on the agreed table and column names.
 */

export interface Subject {
  id: string;
  /** The identifier the API uses: user id, role code, group code, department id. */
  identifier: string;
}

export async function rolesByCodes(db: Conn, poolId: string, namespace: string, codes: string[]): Promise<Subject[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('roles')
    .innerJoin('namespaces', 'namespaces.id', 'roles.namespace_id')
    .select(['roles.id as id', 'roles.code as code'])
    .where('roles.pool_id', '=', poolId)
    .where('namespaces.code', '=', namespace)
    .where('roles.code', 'in', codes)
    .execute();
  return rows.map((r) => ({ id: r.id, identifier: r.code }));
}

export async function subjectsByIds(db: Conn, poolId: string, type: TargetType, ids: string[]): Promise<Subject[]> {
  if (ids.length === 0) return [];
  if (type === 'ROLE') {
    const rows = await db.selectFrom('roles').select(['id', 'code']).where('pool_id', '=', poolId).where('id', 'in', ids).execute();
    return rows.map((r) => ({ id: r.id, identifier: r.code }));
  }
  if (type === 'GROUP') {
    const rows = await db.selectFrom('groups').select(['id', 'code']).where('pool_id', '=', poolId).where('id', 'in', ids).execute();
    return rows.map((r) => ({ id: r.id, identifier: r.code }));
  }
  const table = type === 'USER' ? 'users' : 'departments';
  const rows = await db.selectFrom(table).select('id').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
  return rows.map((r) => ({ id: r.id, identifier: r.id }));
}

export async function groupsByCodes(db: Conn, poolId: string, codes: string[]): Promise<Subject[]> {
  if (codes.length === 0) return [];
  const rows = await db.selectFrom('groups').select(['id', 'code']).where('pool_id', '=', poolId).where('code', 'in', codes).execute();
  return rows.map((r) => ({ id: r.id, identifier: r.code }));
}

export async function departmentIdsOfUser(db: Conn, poolId: string, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('department_members').select('department_id').where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
  return [...new Set(rows.map((r) => r.department_id))];
}

export async function groupIdsOfUser(db: Conn, poolId: string, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('group_members').select('group_id').where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
  return [...new Set(rows.map((r) => r.group_id))];
}

/**
 * Roles in force for a user: assigned to them or to one of their departments, inside the
 * assignment's time window (enable_time/end_time in epoch milliseconds, NULL meaning open),
 * and not disabled (status DISABLE or a disable_time that has passed).
 */
export async function roleAssignmentsOfUser(
  db: Conn,
  poolId: string,
  userId: string,
  departmentIds: string[],
  nowMs: number,
): Promise<Array<{ roleId: string; viaDepartmentId?: string }>> {
  const rows = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('roles as r', 'r.id', 'ra.role_id')
    .select(['ra.role_id as role_id', 'ra.target_type as target_type', 'ra.target_id as target_id'])
    .where('ra.pool_id', '=', poolId)
    .where((eb) =>
      eb.or([
        eb.and([eb('ra.target_type', '=', 'USER'), eb('ra.target_id', '=', userId)]),
        ...(departmentIds.length ? [eb.and([eb('ra.target_type', '=', 'DEPARTMENT'), eb('ra.target_id', 'in', departmentIds)])] : []),
      ]),
    )
    .where((eb) => eb.or([eb('ra.enable_time', 'is', null), eb('ra.enable_time', '<=', nowMs)]))
    .where((eb) => eb.or([eb('ra.end_time', 'is', null), eb('ra.end_time', '>', nowMs)]))
    .where('r.status', '=', 'ENABLE')
    .where((eb) => eb.or([eb('r.disable_time', 'is', null), eb('r.disable_time', '>', nowMs)]))
    .execute();
  return rows.map((r) => (r.target_type === 'USER' ? { roleId: r.role_id } : { roleId: r.role_id, viaDepartmentId: r.target_id }));
}

/**
 * The next moment (epoch ms, after `nowMs`) at which one of the user's role assignments, direct
 * or through the given departments, starts or ends, or its role is disabled by time: until then
 * the roles the user holds cannot change without a write. Undefined when none is ahead.
 */
export async function nextRoleChange(db: Conn, poolId: string, userId: string, departmentIds: string[], nowMs: number): Promise<number | undefined> {
  const rows = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('roles as r', 'r.id', 'ra.role_id')
    .select(['ra.enable_time as enable_time', 'ra.end_time as end_time', 'r.disable_time as disable_time'])
    .where('ra.pool_id', '=', poolId)
    .where((eb) =>
      eb.or([
        eb.and([eb('ra.target_type', '=', 'USER'), eb('ra.target_id', '=', userId)]),
        ...(departmentIds.length ? [eb.and([eb('ra.target_type', '=', 'DEPARTMENT'), eb('ra.target_id', 'in', departmentIds)])] : []),
      ]),
    )
    .where((eb) => eb.or([eb('ra.enable_time', '>', nowMs), eb('ra.end_time', '>', nowMs), eb('r.disable_time', '>', nowMs)]))
    .execute();
  const ahead = rows.flatMap((r) => [r.enable_time, r.end_time, r.disable_time]).map(Number).filter((t) => Number.isFinite(t) && t > nowMs);
  return ahead.length ? Math.min(...ahead) : undefined;
}

export async function grantsOfResource(db: Conn, poolId: string, resourceId: string): Promise<AuthorizationRow[]> {
  return db.selectFrom('authorizations').selectAll().where('pool_id', '=', poolId).where('resource_id', '=', resourceId).execute();
}

export async function updateGrant(db: Conn, poolId: string, id: string, changes: Partial<AuthorizationRow>): Promise<void> {
  await db.updateTable('authorizations').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export async function deleteGrantIds(db: Conn, poolId: string, ids: string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('authorizations').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

/**
 * The departments above the given ones, each mapped to the given department it was reached
 * from. Walks parent links a level per query; the depth bound guards against a corrupt cycle.
 */
export async function ancestorsOf(db: Conn, poolId: string, departmentIds: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const given = new Set(departmentIds);
  let frontier = departmentIds.map((id) => ({ id, from: id }));
  for (let depth = 0; depth < 64 && frontier.length; depth++) {
    const rows = await db.selectFrom('departments').select(['id', 'parent_id']).where('pool_id', '=', poolId).where('id', 'in', frontier.map((f) => f.id)).execute();
    const fromOf = new Map(frontier.map((f) => [f.id, f.from]));
    frontier = [];
    for (const row of rows) {
      if (!row.parent_id || given.has(row.parent_id) || result.has(row.parent_id)) continue;
      result.set(row.parent_id, fromOf.get(row.id)!);
      frontier.push({ id: row.parent_id, from: fromOf.get(row.id)! });
    }
  }
  return result;
}

/** Grants of a namespace on any of these resource codes (`*` included when asked). */
export async function grantsOnResources(db: Conn, poolId: string, namespace: string, codes: string[]): Promise<AuthorizationRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('authorizations').selectAll().where('pool_id', '=', poolId).where('namespace', '=', namespace).where('resource_code', 'in', codes).execute();
}

/**
 * Users a grant to these subjects may reach: the users themselves, members of the groups, members
 * of the departments or of any department below them, and holders of the roles (directly, or
 * through a department as above). A superset: time windows and disabled roles are left to the
 * evaluation of each user.
 */
export async function usersReachedBy(db: Conn, poolId: string, subjects: { users: string[]; groups: string[]; departments: string[]; roles: string[] }): Promise<string[]> {
  const result = new Set(subjects.users);
  if (subjects.groups.length) {
    const rows = await db.selectFrom('group_members').select('user_id').where('pool_id', '=', poolId).where('group_id', 'in', subjects.groups).execute();
    rows.forEach((r) => result.add(r.user_id));
  }
  const departments = [...subjects.departments];
  if (subjects.roles.length) {
    const rows = await db.selectFrom('role_assignments').select(['target_type', 'target_id']).where('pool_id', '=', poolId).where('role_id', 'in', subjects.roles).execute();
    for (const r of rows) {
      if (r.target_type === 'USER') result.add(r.target_id);
      else departments.push(r.target_id);
    }
  }
  if (departments.length) {
    const { rows } = await sql<{ user_id: string }>`
      with recursive sub(id) as (
        select id from departments where pool_id = ${poolId} and id in (${sql.join([...new Set(departments)])})
        union
        select d.id from departments d join sub on d.parent_id = sub.id where d.pool_id = ${poolId}
      )
      select distinct m.user_id from department_members m join sub on m.department_id = sub.id where m.pool_id = ${poolId}`.execute(db);
    rows.forEach((r) => result.add(r.user_id));
  }
  return [...result];
}
