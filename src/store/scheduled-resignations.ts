import type { Db, Dialect, Tx } from './database.js';
import type { ScheduledResignationsTable, ScheduleStatus } from './tables/scheduled.js';

export type ScheduleRow = ScheduledResignationsTable;
type Conn = Db | Tx;

export async function insertSchedules(trx: Tx, rows: ScheduleRow[]): Promise<void> {
  if (rows.length) await trx.insertInto('scheduled_resignations').values(rows).execute();
}

export async function findPending(db: Conn, poolId: string, userIds: string[]): Promise<ScheduleRow[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('scheduled_resignations').selectAll().where('pool_id', '=', poolId).where('status', '=', 'pending').where('user_id', 'in', userIds)
    .orderBy('resign_at').execute();
}

export async function findByIds(db: Conn, poolId: string, ids: string[]): Promise<ScheduleRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('scheduled_resignations').selectAll().where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

/** Pending schedules of users resigned now by another request: nothing is left for them to do. */
export async function supersede(trx: Tx, poolId: string, userIds: string[], requestId: string, at: string): Promise<ScheduleRow[]> {
  if (userIds.length === 0) return [];
  return trx.updateTable('scheduled_resignations').set({ status: 'superseded', performed_request_id: requestId, finished_at: at, updated_at: at })
    .where('pool_id', '=', poolId).where('status', '=', 'pending').where('user_id', 'in', userIds).returningAll().execute();
}

/** Cancels the pending ones among `ids`; answers those it cancelled. */
export async function cancel(trx: Tx, poolId: string, ids: string[], at: string): Promise<ScheduleRow[]> {
  if (ids.length === 0) return [];
  return trx.updateTable('scheduled_resignations').set({ status: 'cancelled', finished_at: at, updated_at: at })
    .where('pool_id', '=', poolId).where('status', '=', 'pending').where('id', 'in', ids).returningAll().execute();
}

export interface ScheduleFilter {
  status?: ScheduleStatus[];
  userIds?: string[];
  offset: number;
  limit: number;
}

/** Soonest first. */
export async function listSchedules(db: Conn, poolId: string, filter: ScheduleFilter): Promise<{ rows: ScheduleRow[]; total: number }> {
  let query = db.selectFrom('scheduled_resignations').where('pool_id', '=', poolId);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.userIds?.length) query = query.where('user_id', 'in', filter.userIds);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('resign_at').orderBy('id').offset(filter.offset).limit(filter.limit).execute();
  return { rows, total: Number(total) };
}

/**
 * Claims due schedules as the first statement of the transaction that performs them: they are
 * marked done with the run's request id, and if the transaction rolls back (a failure, a process
 * that dies) the claim goes with it. PostgreSQL skips rows another process holds (FOR UPDATE SKIP
 * LOCKED); SQLite has one writer at a time, so the conditional update is the claim. `onlyId`
 * claims one row (a retry after a batch failed).
 */
export async function claimDue(trx: Tx, dialect: Dialect, at: string, limit: number, claim: { by: string; requestId: string }, onlyId?: string): Promise<ScheduleRow[]> {
  let due = trx.selectFrom('scheduled_resignations').select('id').where('status', '=', 'pending').where('resign_at', '<=', at);
  if (onlyId) due = due.where('id', '=', onlyId);
  due = due.orderBy('resign_at').orderBy('id').limit(limit);
  const picked = dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
  return trx.updateTable('scheduled_resignations')
    .set({ status: 'done', performed_by: claim.by, performed_request_id: claim.requestId, finished_at: at, updated_at: at })
    .where('id', 'in', picked)
    .where('status', '=', 'pending')
    .returningAll()
    .execute();
}

/** A schedule that cannot be performed (its resignation was refused) stops being retried. */
export async function markFailed(db: Conn, id: string, error: string, at: string): Promise<void> {
  await db.updateTable('scheduled_resignations').set({ status: 'failed', error, finished_at: at, updated_at: at })
    .where('id', '=', id).where('status', '=', 'pending').execute();
}

/** Due schedules of every pool (read without a claim: performOneByOne claims each on its own). */
export async function dueIds(db: Conn, at: string, limit: number): Promise<Array<{ id: string }>> {
  return db.selectFrom('scheduled_resignations').select('id').where('status', '=', 'pending').where('resign_at', '<=', at).orderBy('resign_at').orderBy('id').limit(limit).execute();
}
