import { sql } from 'kysely';
import type { Db, Tx } from './database.js';

type Conn = Db | Tx;

/** The audit actions a user takes on their own account, and the event type GenAuth names each with. */
export const OWN_ACTIONS = { signup: 'register', 'update-profile': 'updateUserProfile', 'update-password': 'updateUserPassword' } as const;

export interface ActionLogRow {
  id: string;
  user_id: string;
  app_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
  success: number;
  event_type: string;
  event_detail: string | null;
  request_id: string | null;
  created_at: string;
}

export interface ActionLogFilter {
  userId?: string;
  appId?: string;
  clientIp?: string;
  requestId?: string;
  eventTypes?: string[];
  success?: boolean;
  from?: string;
  to?: string;
  offset: number;
  limit: number;
}

/**
 * One stream, newest first, of a pool's sign-ins (login_history, event type `login`) and of the
 * audit entries users wrote about their own accounts (registration, profile and password
 * changes), filtered and paged in SQL.
 */
export async function listActionLogs(db: Conn, poolId: string, f: ActionLogFilter): Promise<{ rows: ActionLogRow[]; total: number }> {
  const logins = db
    .selectFrom('login_history')
    .select([
      'id', 'user_id', sql<string | null>`app_id`.as('app_id'), sql<string | null>`client_ip`.as('client_ip'), 'user_agent', 'success',
      sql<string>`'login'`.as('event_type'), sql<string | null>`failure_reason`.as('event_detail'), sql<string | null>`cast(null as text)`.as('request_id'), 'created_at',
    ])
    .where('pool_id', '=', poolId);
  const cases = Object.entries(OWN_ACTIONS).map(([action, type]) => sql`when ${action} then ${type}`);
  const own = db
    .selectFrom('admin_audit_logs')
    .select([
      'id', sql<string>`actor`.as('user_id'), sql<string | null>`cast(null as text)`.as('app_id'), 'client_ip', 'user_agent', 'success',
      sql<string>`case action ${sql.join(cases, sql` `)} end`.as('event_type'), sql<string | null>`message`.as('event_detail'), sql<string | null>`request_id`.as('request_id'), 'created_at',
    ])
    .where('pool_id', '=', poolId)
    .where('action', 'in', Object.keys(OWN_ACTIONS));
  let query = db.selectFrom(logins.unionAll(own).as('x'));
  if (f.userId) query = query.where('x.user_id', '=', f.userId);
  if (f.appId) query = query.where('x.app_id', '=', f.appId);
  if (f.clientIp) query = query.where('x.client_ip', '=', f.clientIp);
  if (f.requestId) query = query.where('x.request_id', '=', f.requestId);
  if (f.eventTypes) query = query.where('x.event_type', 'in', f.eventTypes);
  if (f.success !== undefined) query = query.where('x.success', '=', f.success ? 1 : 0);
  if (f.from) query = query.where('x.created_at', '>=', f.from);
  if (f.to) query = query.where('x.created_at', '<=', f.to);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll('x').orderBy('x.created_at', 'desc').orderBy('x.id', 'desc').offset(f.offset).limit(f.limit).execute();
  return { rows: rows as ActionLogRow[], total: Number(total) };
}
