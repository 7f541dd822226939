import { sql } from 'kysely';
import type { Db, Tx } from './database.js';
import type { OrganizationsTable } from './tables/organizations.js';
import { likePattern } from './like.js';

export type OrganizationRow = OrganizationsTable;
type Conn = Db | Tx;

export async function insertOrganization(db: Conn, row: OrganizationRow): Promise<void> {
  await db.insertInto('organizations').values(row).execute();
}

export async function findByCode(db: Conn, poolId: string, code: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('pool_id', '=', poolId).where('code', '=', code).executeTakeFirst();
}

export async function findByCodes(db: Conn, poolId: string, codes: string[]): Promise<OrganizationRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('organizations').selectAll().where('pool_id', '=', poolId).where('code', 'in', codes).execute();
}

export async function findByIds(db: Conn, poolId: string, ids: string[]): Promise<OrganizationRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('organizations').selectAll().where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}


/**
 * A page of a pool's organizations, newest first. Keywords match the code or the name (the name
 * lives on the root department), case-insensitively.
 */
export async function listOrganizations(
  db: Conn,
  poolId: string,
  filter: { keywords?: string; status?: boolean; offset: number; limit: number | undefined },
): Promise<{ rows: OrganizationRow[]; total: number }> {
  let query = db
    .selectFrom('organizations as o')
    .innerJoin('departments as d', 'd.id', 'o.id')
    .where('o.pool_id', '=', poolId);
  if (filter.status !== undefined) query = query.where('d.status', '=', filter.status ? 1 : 0);
  if (filter.keywords) {
    const pattern = likePattern(filter.keywords.toLowerCase());
    query = query.where((eb) => eb.or([eb(sql`lower(${sql.ref('o.code')})`, 'like', pattern), eb(sql`lower(${sql.ref('d.name')})`, 'like', pattern)]));
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  let rows = query.selectAll('o').orderBy('o.created_at', 'desc').orderBy('o.id', 'desc').offset(filter.offset);
  if (filter.limit !== undefined) rows = rows.limit(filter.limit);
  else rows = rows.limit(Number.MAX_SAFE_INTEGER);
  return { rows: await rows.execute(), total: Number(total) };
}

export async function updateOrganization(db: Conn, poolId: string, id: string, changes: Partial<OrganizationRow>): Promise<void> {
  await db.updateTable('organizations').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

/** Departments and their members go with it through the foreign keys' cascade. */
export async function deleteOrganization(db: Conn, poolId: string, id: string): Promise<void> {
  await db.deleteFrom('organizations').where('pool_id', '=', poolId).where('id', '=', id).execute();
}
