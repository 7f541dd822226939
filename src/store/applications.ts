import type { Db, Tx } from './database.js';
import { precompiled } from './precompiled.js';
import type { ApplicationsTable } from './tables/applications.js';
import { likePattern } from './like.js';

export type ApplicationRow = ApplicationsTable;

export async function insertApplication(db: Db | Tx, row: ApplicationRow): Promise<void> {
  await db.insertInto('applications').values(row).execute();
}

export async function findApplication(db: Db | Tx, poolId: string, appId: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('pool_id', '=', poolId).where('id', '=', appId).executeTakeFirst();
}

export async function findApplications(db: Db | Tx, poolId: string, appIds: string[]): Promise<ApplicationRow[]> {
  if (appIds.length === 0) return [];
  return db.selectFrom('applications').selectAll().where('pool_id', '=', poolId).where('id', 'in', appIds).execute();
}

/**
 * Sign-in and the token endpoints learn the pool from the client id alone (the cloud learns it
 * from the pool's domain): this is the one lookup not confined to a pool.
 */
// Client authentication runs this on every token check: compiled once, not at each call.
const byClientId = precompiled((db: Db, appId: string) => db.selectFrom('applications').selectAll().where('id', '=', appId));

export async function findApplicationByClientId(db: Db, appId: string): Promise<ApplicationRow | undefined> {
  return (await byClientId(db, appId))[0];
}

export interface ApplicationFilter {
  keywords?: string;
  integrateOnly?: boolean;
  selfBuiltOnly?: boolean;
  ssoEnabledOnly?: boolean;
}

export async function listApplications(db: Db, poolId: string, filter: ApplicationFilter, page: number, limit: number) {
  let query = db.selectFrom('applications').where('pool_id', '=', poolId);
  if (filter.keywords) {
    const like = likePattern(filter.keywords.toLowerCase());
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['app_name']), 'like', like), eb(eb.fn('lower', ['app_identifier']), 'like', like)]));
  }
  if (filter.integrateOnly) query = query.where('template', 'is not', null);
  if (filter.selfBuiltOnly) query = query.where('template', 'is', null);
  if (filter.ssoEnabledOnly) query = query.where('sso_enabled', '=', 1);
  const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset((page - 1) * limit)
    .execute();
  return { rows, totalCount: Number(total.count) };
}

export async function updateApplication(db: Db | Tx, poolId: string, appId: string, changes: Partial<ApplicationRow>): Promise<void> {
  await db.updateTable('applications').set(changes).where('pool_id', '=', poolId).where('id', '=', appId).execute();
}

export async function deleteApplication(db: Db | Tx, poolId: string, appId: string): Promise<boolean> {
  const result = await db.deleteFrom('applications').where('pool_id', '=', poolId).where('id', '=', appId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every application of a pool, oldest first (the per-user application lists). */
export async function listAllApplications(db: Db | Tx, poolId: string): Promise<ApplicationRow[]> {
  return db.selectFrom('applications').selectAll().where('pool_id', '=', poolId).orderBy('created_at').orderBy('id').execute();
}
