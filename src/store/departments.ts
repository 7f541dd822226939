import { sql } from 'kysely';
import type { Db, Tx } from './database.js';
import type { DepartmentMembersTable, DepartmentsTable } from './tables/organizations.js';
import type { UserRow } from './users.js';
import { likePattern } from './like.js';

export type DepartmentRow = DepartmentsTable;
export type MemberRow = DepartmentMembersTable;
type Conn = Db | Tx;

export type DepartmentKey = 'id' | 'code' | 'open_department_id';

export async function insertDepartment(db: Conn, row: DepartmentRow): Promise<void> {
  await db.insertInto('departments').values(row).execute();
}

export async function findOne(db: Conn, poolId: string, organizationId: string, column: DepartmentKey, value: string): Promise<DepartmentRow | undefined> {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('organization_id', '=', organizationId)
    .where(column, '=', value)
    .executeTakeFirst();
}

export async function findByIds(db: Conn, poolId: string, ids: string[]): Promise<DepartmentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('departments').selectAll().where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

export async function listChildren(db: Conn, poolId: string, parentId: string, filter: { status?: boolean; virtual?: boolean }): Promise<DepartmentRow[]> {
  let query = db.selectFrom('departments').selectAll().where('pool_id', '=', poolId).where('parent_id', '=', parentId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status ? 1 : 0);
  if (filter.virtual !== undefined) query = query.where('is_virtual_node', '=', filter.virtual ? 1 : 0);
  return query.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

/** The department and every department below it. */
export async function subtreeIds(db: Conn, poolId: string, rootIds: string[]): Promise<string[]> {
  if (rootIds.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    with recursive sub(id) as (
      select id from departments where pool_id = ${poolId} and id in (${sql.join(rootIds)})
      union
      select d.id from departments d join sub on d.parent_id = sub.id where d.pool_id = ${poolId}
    )
    select id from sub`.execute(db);
  return rows.map((r) => r.id);
}

/** Ancestors of each department, nearest last, the department itself included. */
export async function paths(db: Conn, poolId: string, ids: string[]): Promise<Map<string, DepartmentRow[]>> {
  const result = new Map<string, DepartmentRow[]>();
  if (ids.length === 0) return result;
  const { rows } = await sql<{ id: string }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from departments where pool_id = ${poolId} and id in (${sql.join(ids)})
      union
      select d.id, d.parent_id from departments d join up on d.id = up.parent_id where d.pool_id = ${poolId}
    )
    select id from up`.execute(db);
  const byId = new Map((await findByIds(db, poolId, rows.map((r) => r.id))).map((d) => [d.id, d]));
  for (const id of ids) {
    const chain: DepartmentRow[] = [];
    for (let at = byId.get(id); at; at = at.parent_id ? byId.get(at.parent_id) : undefined) chain.unshift(at);
    result.set(id, chain);
  }
  return result;
}


/** Non-root departments of an organization whose name or code contains the keywords. */
export async function search(db: Conn, poolId: string, organizationId: string, keywords: string): Promise<DepartmentRow[]> {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('organization_id', '=', organizationId)
    .where('parent_id', 'is not', null)
    // Disabled departments are left out of searches (see services/department-status.ts).
    .where('status', '=', 1)
    .where((eb) => eb.or([eb(sql`lower(name)`, 'like', likePattern(keywords.toLowerCase())), eb(sql`lower(code)`, 'like', likePattern(keywords.toLowerCase()))]))
    .orderBy('created_at', 'asc')
    .limit(1000)
    .execute();
}

/** Direct member counts and whether each department has children, one query each. */
export async function stats(db: Conn, poolId: string, ids: string[]): Promise<{ members: Map<string, number>; withChildren: Set<string> }> {
  if (ids.length === 0) return { members: new Map(), withChildren: new Set() };
  const [counts, parents] = await Promise.all([
    db
      .selectFrom('department_members')
      .select(['department_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('pool_id', '=', poolId)
      .where('department_id', 'in', ids)
      .groupBy('department_id')
      .execute(),
    db.selectFrom('departments').select('parent_id').distinct().where('pool_id', '=', poolId).where('parent_id', 'in', ids).execute(),
  ]);
  return {
    members: new Map(counts.map((c) => [c.department_id, Number(c.n)])),
    withChildren: new Set(parents.map((p) => p.parent_id!)),
  };
}

export async function updateDepartment(db: Conn, poolId: string, id: string, changes: Partial<DepartmentRow>): Promise<void> {
  await db.updateTable('departments').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export async function deleteDepartments(db: Conn, poolId: string, ids: string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('departments').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

// ---- members ----

/** Adds memberships that do not exist yet; existing ones keep their join time. */
export async function addMembers(db: Conn, rows: MemberRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('department_members')
    .values(rows)
    .onConflict((oc) => oc.columns(['department_id', 'user_id']).doNothing())
    .execute();
}

/**
 * Makes these users leaders of the department in one statement: members already there keep
 * their join time and get the leader flag, the others join as leaders. `userIds` must not repeat
 * (one statement cannot update a row twice on PostgreSQL).
 */
export async function upsertLeaders(db: Conn, poolId: string, departmentId: string, userIds: string[], joinedAt: string): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto('department_members')
    .values(userIds.map((userId) => ({ pool_id: poolId, department_id: departmentId, user_id: userId, is_leader: 1, is_main_department: 0, joined_at: joinedAt })))
    .onConflict((oc) => oc.columns(['department_id', 'user_id']).doUpdateSet({ is_leader: 1 }))
    .execute();
}

export async function removeMembers(db: Conn, poolId: string, departmentIds: string[], userIds?: string[]): Promise<void> {
  if (departmentIds.length === 0 || userIds?.length === 0) return;
  let query = db.deleteFrom('department_members').where('pool_id', '=', poolId).where('department_id', 'in', departmentIds);
  if (userIds) query = query.where('user_id', 'in', userIds);
  await query.execute();
}

export async function setMemberFlags(db: Conn, poolId: string, departmentId: string, userId: string, flags: Partial<Pick<MemberRow, 'is_leader' | 'is_main_department'>>): Promise<void> {
  await db.updateTable('department_members').set(flags).where('pool_id', '=', poolId).where('department_id', '=', departmentId).where('user_id', '=', userId).execute();
}

export async function clearLeaders(db: Conn, poolId: string, departmentId: string): Promise<void> {
  await db.updateTable('department_members').set({ is_leader: 0 }).where('pool_id', '=', poolId).where('department_id', '=', departmentId).execute();
}

export async function leaderIds(db: Conn, poolId: string, departmentIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (departmentIds.length === 0) return result;
  const rows = await db
    .selectFrom('department_members')
    .select(['department_id', 'user_id'])
    .where('pool_id', '=', poolId)
    .where('department_id', 'in', departmentIds)
    .where('is_leader', '=', 1)
    .orderBy('joined_at', 'asc')
    .execute();
  for (const r of rows) result.set(r.department_id, [...(result.get(r.department_id) ?? []), r.user_id]);
  return result;
}

export async function membershipsOfUsers(db: Conn, poolId: string, userIds: string[]): Promise<MemberRow[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('department_members').selectAll().where('pool_id', '=', poolId).where('user_id', 'in', userIds).orderBy('joined_at', 'asc').execute();
}

export async function memberIds(db: Conn, poolId: string, departmentIds: string[]): Promise<string[]> {
  if (departmentIds.length === 0) return [];
  const rows = await db
    .selectFrom('department_members')
    .select('user_id')
    .distinct()
    .where('pool_id', '=', poolId)
    .where('department_id', 'in', departmentIds)
    .execute();
  return rows.map((r) => r.user_id);
}

export interface MemberPageFilter {
  departmentIds: string[];
  keywords?: string;
  sort: 'joined_at' | 'id' | 'created_at' | 'updated_at';
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Users who belong to any of the departments, each once (earliest join time counts). */
export async function listMembers(db: Conn, poolId: string, filter: MemberPageFilter): Promise<{ rows: UserRow[]; total: number }> {
  if (filter.departmentIds.length === 0) return { rows: [], total: 0 };
  const joined = db
    .selectFrom('department_members')
    .select(['user_id', (eb) => eb.fn.min('joined_at').as('joined_at')])
    .where('pool_id', '=', poolId)
    .where('department_id', 'in', filter.departmentIds)
    .groupBy('user_id');
  let query = db.selectFrom(joined.as('m')).innerJoin('users as u', 'u.id', 'm.user_id').where('u.pool_id', '=', poolId);
  if (filter.keywords) {
    query = query.where((eb) =>
      eb.or((['name', 'username', 'nickname', 'email', 'phone'] as const).map((c) => eb(sql`lower(${sql.ref(`u.${c}`)})`, 'like', likePattern(filter.keywords!.toLowerCase())))),
    );
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const sortRef = filter.sort === 'joined_at' ? sql.ref('m.joined_at') : sql.ref(`u.${filter.sort}`);
  const rows = await query.selectAll('u').orderBy(sortRef, filter.order).orderBy('u.id', filter.order).offset(filter.offset).limit(filter.limit).execute();
  return { rows: rows as UserRow[], total: Number(total) };
}

export async function isMember(db: Conn, poolId: string, departmentIds: string[], userId: string): Promise<boolean> {
  if (departmentIds.length === 0) return false;
  const row = await db
    .selectFrom('department_members')
    .select('user_id')
    .where('pool_id', '=', poolId)
    .where('department_id', 'in', departmentIds)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Boolean(row);
}

/** Departments of any organization of the pool holding this code or open id. */
export async function findManyBy(db: Conn, poolId: string, column: 'code' | 'open_department_id', value: string): Promise<DepartmentRow[]> {
  return db.selectFrom('departments').selectAll().where('pool_id', '=', poolId).where(column, '=', value).execute();
}

/** Sets the status of these departments (a subtree, as the service computes it). */
export async function setStatus(db: Conn, poolId: string, ids: string[], status: boolean, updatedAt: string): Promise<void> {
  if (ids.length) await db.updateTable('departments').set({ status: status ? 1 : 0, updated_at: updatedAt }).where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

/** A department of any organization of the pool by its id. */
export async function findById(db: Conn, poolId: string, id: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
}

export type DepartmentColumn = 'id' | 'parent_id' | 'name' | 'code' | 'open_department_id' | 'description' | 'status' | 'is_virtual_node' | 'created_at' | 'updated_at';

export type DepartmentCondition =
  | { column: DepartmentColumn; op: 'eq'; value: string | number }
  | { column: DepartmentColumn; op: 'in'; values: Array<string | number> }
  | { column: DepartmentColumn; op: 'contains'; value: string }
  | { column: DepartmentColumn; op: 'gt' | 'lt'; value: string | number }
  | { column: DepartmentColumn; op: 'between'; from: string | number; to: string | number };

/**
 * A page of an organization's non-root departments matching every condition (the service has
 * typed each value for its column), sorted by the given columns, then by id.
 */
export async function searchPage(
  db: Conn,
  poolId: string,
  organizationId: string,
  filter: { conditions: DepartmentCondition[]; sort: Array<{ column: 'created_at' | 'updated_at' | 'name'; order: 'asc' | 'desc' }>; offset: number; limit: number },
): Promise<{ rows: DepartmentRow[]; total: number }> {
  let query = db.selectFrom('departments').where('pool_id', '=', poolId).where('organization_id', '=', organizationId).where('parent_id', 'is not', null);
  for (const c of filter.conditions) {
    if (c.op === 'eq') query = query.where(c.column, '=', c.value);
    else if (c.op === 'in') query = query.where(c.column, 'in', c.values);
    else if (c.op === 'contains') query = query.where(sql`lower(${sql.ref(c.column)})`, 'like', likePattern(c.value.toLowerCase()));
    else if (c.op === 'between') query = query.where(c.column, '>=', c.from).where(c.column, '<=', c.to);
    else query = query.where(c.column, c.op === 'gt' ? '>' : '<', c.value);
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  let rows = query.selectAll();
  for (const s of filter.sort) rows = rows.orderBy(s.column, s.order);
  rows = rows.orderBy('id', 'asc');
  return { rows: await rows.offset(filter.offset).limit(filter.limit).execute(), total: Number(total) };
}

/** Root departments (organizations) of the pool with exactly this name. */
export async function rootsNamed(db: Conn, poolId: string, name: string): Promise<DepartmentRow[]> {
  return db.selectFrom('departments').selectAll().where('pool_id', '=', poolId).where('parent_id', 'is', null).where('name', '=', name).execute();
}
