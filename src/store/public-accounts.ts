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
