import type { Db, Tx } from './database.js';
import type { NamespacesTable } from './tables/roles-groups.js';
import { likePattern } from './like.js';

export type NamespaceRow = NamespacesTable;
type Conn = Db | Tx;

export async function findByCodes(db: Conn, poolId: string, codes: string[]): Promise<NamespaceRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('namespaces').selectAll().where('pool_id', '=', poolId).where('code', 'in', codes).execute();
}

export async function findByCode(db: Conn, poolId: string, code: string): Promise<NamespaceRow | undefined> {
  return (await findByCodes(db, poolId, [code]))[0];
}

export async function insert(db: Conn, rows: NamespaceRow[]): Promise<void> {
  if (rows.length) await db.insertInto('namespaces').values(rows).execute();
}

/** Inserts unless the (pool, code) already exists; two writers racing both succeed. */
export async function insertIfMissing(db: Conn, row: NamespaceRow): Promise<void> {
  await db.insertInto('namespaces').values(row).onConflict((oc) => oc.columns(['pool_id', 'code']).doNothing()).execute();
}

export async function update(db: Conn, poolId: string, id: string, changes: Partial<NamespaceRow>): Promise<void> {
  await db.updateTable('namespaces').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export async function remove(db: Conn, poolId: string, ids: string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('namespaces').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

export async function list(db: Conn, poolId: string, keywords: string | undefined, offset: number, limit: number): Promise<{ rows: NamespaceRow[]; total: number }> {
  let query = db.selectFrom('namespaces').where('pool_id', '=', poolId);
  if (keywords) {
    const pattern = likePattern(keywords.toLowerCase());
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['code']), 'like', pattern), eb(eb.fn('lower', ['name']), 'like', pattern)]));
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').offset(offset).limit(limit).execute();
  return { rows, total: Number(total) };
}

// Resources and authorizations (migration 0004) name their namespace by code, not by a foreign
// key; these keep them in step inside the transaction that renames or deletes a namespace.

export async function renameInResources(db: Conn, poolId: string, oldCode: string, newCode: string): Promise<void> {
  await db.updateTable('resources').set({ namespace: newCode }).where('pool_id', '=', poolId).where('namespace', '=', oldCode).execute();
  await db.updateTable('authorizations').set({ namespace: newCode }).where('pool_id', '=', poolId).where('namespace', '=', oldCode).execute();
}

export async function removeResourcesOf(db: Conn, poolId: string, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  await db.deleteFrom('authorizations').where('pool_id', '=', poolId).where('namespace', 'in', codes).execute();
  await db.deleteFrom('resources').where('pool_id', '=', poolId).where('namespace', 'in', codes).execute();
}

export async function findByName(db: Conn, poolId: string, name: string): Promise<NamespaceRow | undefined> {
  return db.selectFrom('namespaces').selectAll().where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
}
