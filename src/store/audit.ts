import type { Db, Tx } from './database.js';
import type { AdminAuditLogsTable } from './tables/audit.js';

export type AuditRow = AdminAuditLogsTable;
type Conn = Db | Tx;

export async function insertAuditLog(db: Conn, row: AuditRow, targetIds: string[]): Promise<void> {
  await insertAuditLogs(db, [{ row, targetIds }]);
}

/** Several entries in two statements: a batch resignation records 50 without 100 round trips. */
export async function insertAuditLogs(db: Conn, entries: Array<{ row: AuditRow; targetIds: string[] }>): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('admin_audit_logs').values(entries.map((e) => e.row)).execute();
  const targets = entries.flatMap((e) => [...new Set(e.targetIds)].map((target_id) => ({ pool_id: e.row.pool_id, log_id: e.row.id, target_id })));
  if (targets.length) await db.insertInto('admin_audit_log_targets').values(targets).execute();
}

/** Whether the request already left an entry (a service recorded it in its transaction). */
export async function hasEntryForRequest(db: Conn, poolId: string, requestId: string): Promise<boolean> {
  const row = await db
    .selectFrom('admin_audit_logs')
    .select('id')
    .where('pool_id', '=', poolId)
    .where('request_id', '=', requestId)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

export interface AuditFilter {
  requestId?: string;
  clientIp?: string;
  operationType?: string;
  resourceType?: string;
  action?: string;
  /** Matches the actor (access key id) or any target id. */
  subjectId?: string;
  targetId?: string;
  success?: boolean;
  from?: string;
  to?: string;
  offset: number;
  limit: number;
}

/** Newest first; the same predicates count the total. */
export async function listAuditLogs(db: Conn, poolId: string, filter: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  let query = db.selectFrom('admin_audit_logs').where('pool_id', '=', poolId);
  if (filter.requestId) query = query.where('request_id', '=', filter.requestId);
  if (filter.clientIp) query = query.where('client_ip', '=', filter.clientIp);
  if (filter.operationType) query = query.where('operation_type', '=', filter.operationType);
  if (filter.resourceType) query = query.where('resource_type', '=', filter.resourceType);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.success !== undefined) query = query.where('success', '=', filter.success ? 1 : 0);
  if (filter.from) query = query.where('created_at', '>=', filter.from);
  if (filter.to) query = query.where('created_at', '<=', filter.to);
  const targeting = (id: string) =>
    db.selectFrom('admin_audit_log_targets').select('log_id').where('pool_id', '=', poolId).where('target_id', '=', id);
  if (filter.targetId) query = query.where('id', 'in', targeting(filter.targetId));
  if (filter.subjectId) {
    const id = filter.subjectId;
    query = query.where((eb) => eb.or([eb('actor', '=', id), eb('id', 'in', targeting(id))]));
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(filter.offset).limit(filter.limit).execute();
  return { rows, total: Number(total) };
}

/** Gives the entries a request already recorded the client's address; answers how many there were. */
export async function attachClient(db: Conn, poolId: string, requestId: string, clientIp: string | null, userAgent: string | null): Promise<number> {
  const result = await db.updateTable('admin_audit_logs').set({ client_ip: clientIp, user_agent: userAgent }).where('pool_id', '=', poolId).where('request_id', '=', requestId).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Successful entries of the given actions about any of `targetIds` and/or made by `requestId`,
 * oldest first (the receipts of resignations).
 */
export async function findEntries(db: Conn, poolId: string, filter: { actions: string[]; targetIds?: string[]; requestId?: string; limit: number }): Promise<AuditRow[]> {
  let query = db.selectFrom('admin_audit_logs').selectAll().where('pool_id', '=', poolId).where('success', '=', 1).where('action', 'in', filter.actions);
  if (filter.requestId) query = query.where('request_id', '=', filter.requestId);
  if (filter.targetIds?.length) {
    const targets = filter.targetIds;
    query = query.where('id', 'in', db.selectFrom('admin_audit_log_targets').select('log_id').where('pool_id', '=', poolId).where('target_id', 'in', targets));
  }
  return query.orderBy('created_at').orderBy('id').limit(filter.limit).execute();
}
