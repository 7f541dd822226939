import type { Db, Tx } from './database.js';
import type { LoginHistoryTable, SigninFailuresTable } from './tables/applications.js';

export type LoginHistoryRow = LoginHistoryTable;
export type SigninFailureRow = SigninFailuresTable;

export async function insertLogin(db: Db | Tx, row: LoginHistoryRow): Promise<void> {
  await db.insertInto('login_history').values(row).execute();
}

export interface LoginFilter {
  appId?: string;
  clientIp?: string;
  success?: boolean;
  start?: string;
  end?: string;
}

export async function listLogins(db: Db, poolId: string, userId: string, filter: LoginFilter, page: number, limit: number) {
  let query = db.selectFrom('login_history as h').where('h.pool_id', '=', poolId).where('h.user_id', '=', userId);
  if (filter.appId) query = query.where('h.app_id', '=', filter.appId);
  if (filter.clientIp) query = query.where('h.client_ip', '=', filter.clientIp);
  if (filter.success !== undefined) query = query.where('h.success', '=', filter.success ? 1 : 0);
  if (filter.start) query = query.where('h.created_at', '>=', filter.start);
  if (filter.end) query = query.where('h.created_at', '<=', filter.end);
  const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await query
    .leftJoin('applications as a', 'a.id', 'h.app_id')
    .selectAll('h')
    .select(['a.app_name', 'a.app_logo', 'a.init_login_uri'])
    .orderBy('h.created_at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(limit)
    .offset((page - 1) * limit)
    .execute();
  return { rows, totalCount: Number(total.count) };
}

export async function findFailures(db: Db | Tx, poolId: string, userId: string): Promise<SigninFailureRow | undefined> {
  return db.selectFrom('signin_failures').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).executeTakeFirst();
}

/** Counts one more failure atomically, so concurrent wrong guesses on several processes all count. */
export async function addFailure(db: Db | Tx, poolId: string, userId: string, at: string): Promise<number> {
  await db
    .insertInto('signin_failures')
    .values({ user_id: userId, pool_id: poolId, failures: 0, locked_until: null, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const row = await db
    .updateTable('signin_failures')
    .set((eb) => ({ failures: eb('failures', '+', 1), updated_at: at }))
    .where('pool_id', '=', poolId)
    .where('user_id', '=', userId)
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

export async function lockUntil(db: Db | Tx, poolId: string, userId: string, until: string): Promise<void> {
  await db.updateTable('signin_failures').set({ failures: 0, locked_until: until }).where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
}

/**
 * Forgets wrong passwords: the account's count and, with `clientIp`, that address's count (a
 * successful sign-in), or without it every address's (an administrator lifting a lock-out).
 * Answers whether a lock was in force.
 */
export async function clearFailures(db: Db | Tx, poolId: string, userId: string, clientIp?: string, now = new Date().toISOString()): Promise<boolean> {
  const account = await db.deleteFrom('signin_failures').where('pool_id', '=', poolId).where('user_id', '=', userId).returning('locked_until').execute();
  let addresses = db.deleteFrom('signin_address_failures').where('pool_id', '=', poolId).where('user_id', '=', userId);
  if (clientIp !== undefined) addresses = addresses.where('client_ip', '=', clientIp);
  const removed = await addresses.returning('locked_until').execute();
  return [...account, ...removed].some((row) => row.locked_until !== null && row.locked_until > now);
}

export async function findAddressFailures(db: Db | Tx, poolId: string, userId: string, clientIp: string) {
  return db.selectFrom('signin_address_failures').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).where('client_ip', '=', clientIp).executeTakeFirst();
}

/** Counts one more failure from an address, atomically; answers the new count. */
export async function addAddressFailure(db: Db | Tx, poolId: string, userId: string, clientIp: string, at: string): Promise<number> {
  const row = await db
    .insertInto('signin_address_failures')
    .values({ user_id: userId, pool_id: poolId, client_ip: clientIp, failures: 1, locked_until: null, updated_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'client_ip']).doUpdateSet((eb) => ({ failures: eb('signin_address_failures.failures', '+', 1), updated_at: at })))
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

export async function lockAddressUntil(db: Db | Tx, poolId: string, userId: string, clientIp: string, until: string): Promise<void> {
  await db.updateTable('signin_address_failures').set({ failures: 0, locked_until: until })
    .where('pool_id', '=', poolId).where('user_id', '=', userId).where('client_ip', '=', clientIp).execute();
}
