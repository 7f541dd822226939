import type { Db, Tx } from './database.js';
import type { GroupMembersTable, GroupsTable } from './tables/roles-groups.js';
import type { UserRow } from './users.js';
import { likePattern } from './like.js';

export type GroupRow = GroupsTable;
export type GroupMemberRow = GroupMembersTable;
type Conn = Db | Tx;

export async function findByCodes(db: Conn, poolId: string, codes: string[]): Promise<GroupRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('groups').selectAll().where('pool_id', '=', poolId).where('code', 'in', codes).execute();
}

export async function insert(db: Conn, rows: GroupRow[]): Promise<void> {
  if (rows.length) await db.insertInto('groups').values(rows).execute();
}

export async function update(db: Conn, poolId: string, id: string, changes: Partial<GroupRow>): Promise<void> {
  await db.updateTable('groups').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export async function remove(db: Conn, poolId: string, ids: string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('groups').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

/** Newest first, so a group just created heads the first page. */
export async function list(db: Conn, poolId: string, keywords: string | undefined, offset: number, limit: number | undefined): Promise<{ rows: GroupRow[]; total: number }> {
  let query = db.selectFrom('groups').where('pool_id', '=', poolId);
  if (keywords) {
    const pattern = likePattern(keywords.toLowerCase());
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['code']), 'like', pattern), eb(eb.fn('lower', ['name']), 'like', pattern)]));
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  let rows = query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  // SQLite accepts OFFSET only after LIMIT; no limit means every row.
  if (limit !== undefined) rows = rows.limit(limit).offset(offset);
  return { rows: await rows.execute(), total: Number(total) };
}

export async function addMembers(db: Conn, poolId: string, groupId: string, userIds: string[], now: string): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto('group_members')
    .values(userIds.map((userId) => ({ pool_id: poolId, group_id: groupId, user_id: userId, created_at: now })))
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
    .execute();
}

export async function removeMembers(db: Conn, poolId: string, groupId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.deleteFrom('group_members').where('pool_id', '=', poolId).where('group_id', '=', groupId).where('user_id', 'in', userIds).execute();
}

export async function listMembers(db: Conn, poolId: string, groupId: string, offset: number, limit: number): Promise<{ rows: UserRow[]; total: number }> {
  const base = db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .where('group_members.pool_id', '=', poolId)
    .where('group_members.group_id', '=', groupId);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('users')
    .orderBy('group_members.created_at', 'desc')
    .orderBy('users.id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
  return { rows, total: Number(total) };
}

/** Members of several groups at once (get-all-groups with fetchMembers), one query. */
export async function membersOfGroups(db: Conn, poolId: string, groupIds: string[]): Promise<Array<{ group_id: string; user: UserRow }>> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .selectAll('users')
    .select('group_members.group_id')
    .where('group_members.pool_id', '=', poolId)
    .where('group_members.group_id', 'in', groupIds)
    .orderBy('group_members.created_at', 'asc')
    .execute();
  return rows.map(({ group_id, ...user }) => ({ group_id, user: user as UserRow }));
}

export async function groupsOfUser(db: Conn, poolId: string, userId: string): Promise<GroupRow[]> {
  return db
    .selectFrom('groups')
    .innerJoin('group_members', 'group_members.group_id', 'groups.id')
    .selectAll('groups')
    .where('groups.pool_id', '=', poolId)
    .where('group_members.user_id', '=', userId)
    .orderBy('group_members.created_at', 'asc')
    .execute();
}
