import type { Db, Tx } from './database.js';
import type { UserRow } from './users.js';
import type { PublicAccountBindingsTable } from './tables/audit.js';

type Conn = Db | Tx;
export type BindingRow = PublicAccountBindingsTable;

/** Adds bindings; pairs already bound stay as they are. */
export async function insertBindings(db: Conn, rows: BindingRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('public_account_bindings').values(rows).onConflict((oc) => oc.columns(['public_account_id', 'user_id']).doNothing()).execute();
}

export async function deleteBinding(db: Conn, poolId: string, publicAccountId: string, userId: string): Promise<number> {
  const result = await db
    .deleteFrom('public_account_bindings')
    .where('pool_id', '=', poolId)
    .where('public_account_id', '=', publicAccountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes the bindings where the account is the user side. */
export async function deleteBindingsOfUser(db: Conn, poolId: string, userId: string): Promise<void> {
  await db.deleteFrom('public_account_bindings').where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
}

/** Every binding that touches the given accounts, from either side. */
export async function bindingsOf(db: Conn, poolId: string, ids: string[]): Promise<BindingRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('public_account_bindings')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where((eb) => eb.or([eb('public_account_id', 'in', ids), eb('user_id', 'in', ids)]))
    .orderBy('created_at')
    .execute();
}

/**
 * The accounts on the other side of a binding, oldest binding first: the public accounts of a
 * user (`side` 'public_account_id') or the users of a public account (`side` 'user_id').
 */
export async function listBound(
  db: Conn,
  poolId: string,
  side: 'public_account_id' | 'user_id',
  ofId: string,
  offset: number,
  limit: number,
): Promise<{ rows: UserRow[]; total: number }> {
  const other = side === 'public_account_id' ? 'user_id' : 'public_account_id';
  const base = db
    .selectFrom('public_account_bindings as b')
    .innerJoin('users as u', 'u.id', `b.${side}`)
    .where('b.pool_id', '=', poolId)
    .where('u.pool_id', '=', poolId)
    .where(`b.${other}`, '=', ofId);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.selectAll('u').orderBy('b.created_at').orderBy('u.id').offset(offset).limit(limit).execute();
  return { rows: rows as UserRow[], total: Number(total) };
}

export type Relation = 'department' | 'group' | 'post' | 'role';

/** Whether the department, group, post or role exists in this pool. */
export async function relationExists(db: Conn, poolId: string, relation: Relation, id: string): Promise<boolean> {
  const table = ({ department: 'departments', group: 'groups', post: 'posts', role: 'roles' } as const)[relation];
  const row = await db.selectFrom(table).select('id').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
  return Boolean(row);
}

function holders(db: Conn, poolId: string, relation: Relation, id: string) {
  switch (relation) {
    case 'department':
      return db.selectFrom('department_members').select('user_id').where('pool_id', '=', poolId).where('department_id', '=', id);
    case 'group':
      return db.selectFrom('group_members').select('user_id').where('pool_id', '=', poolId).where('group_id', '=', id);
    case 'post':
      return db.selectFrom('user_posts').select('user_id').where('pool_id', '=', poolId).where('post_id', '=', id);
    case 'role':
      return db
        .selectFrom('role_assignments')
        .select('target_id as user_id')
        .where('pool_id', '=', poolId)
        .where('role_id', '=', id)
        .where('target_type', '=', 'USER');
  }
}

/** The public accounts (not personal users) that are members of, or hold, the given relation. */
export async function publicAccountsHolding(
  db: Conn,
  poolId: string,
  relation: Relation,
  id: string,
  offset: number,
  limit: number,
): Promise<{ rows: UserRow[]; total: number }> {
  const base = db
    .selectFrom('users')
    .where('pool_id', '=', poolId)
    .where('account_type', '=', 'public_account')
    .where('id', 'in', holders(db, poolId, relation, id));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy('created_at').orderBy('id').offset(offset).limit(limit).execute();
  return { rows, total: Number(total) };
}

/** Which of the given ids are departments, groups, posts or roles of this pool. */
export async function existingIds(db: Conn, poolId: string, relation: Relation, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const table = ({ department: 'departments', group: 'groups', post: 'posts', role: 'roles' } as const)[relation];
  const rows = await db.selectFrom(table).select('id').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
