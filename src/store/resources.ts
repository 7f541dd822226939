import type { Db, Tx } from './database.js';
import type { ResourcesTable } from './tables/posts-resources.js';

export type ResourceRow = ResourcesTable;
type Conn = Db | Tx;

export async function insertResources(db: Conn, rows: ResourceRow[]): Promise<void> {
  if (rows.length) await db.insertInto('resources').values(rows).execute();
}

export async function findByCodes(db: Conn, poolId: string, namespace: string, codes: string[]): Promise<ResourceRow[]> {
  if (codes.length === 0) return [];
  return db
    .selectFrom('resources')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('namespace', '=', namespace)
    .where('code', 'in', codes)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function findByIds(db: Conn, poolId: string, ids: string[]): Promise<ResourceRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('resources').selectAll().where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

export async function updateResource(db: Conn, poolId: string, id: string, changes: Partial<ResourceRow>): Promise<void> {
  await db.updateTable('resources').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

/** Deletes resources and the grants on them (the foreign key would too; saying it keeps SQLite and PostgreSQL alike). */
export async function deleteResources(db: Conn, poolId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  await db.deleteFrom('authorizations').where('pool_id', '=', poolId).where('resource_id', 'in', ids).execute();
  const result = await db.deleteFrom('resources').where('pool_id', '=', poolId).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listResources(
  db: Conn,
  poolId: string,
  f: { namespace: string; type?: string; offset: number; limit: number },
): Promise<{ rows: ResourceRow[]; total: number }> {
  let query = db.selectFrom('resources').where('pool_id', '=', poolId).where('namespace', '=', f.namespace);
  if (f.type) query = query.where('type', '=', f.type);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'asc').orderBy('code', 'asc').offset(f.offset).limit(f.limit).execute(),
    query.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
