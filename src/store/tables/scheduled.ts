/** Row types of scheduled resignations (migration 0022). */
export type ScheduleStatus = 'pending' | 'done' | 'cancelled' | 'superseded' | 'failed';

export interface ScheduledResignationsTable {
  id: string;
  pool_id: string;
  user_id: string;
  /** The identifier as given when it was scheduled, with its userIdType. */
  identifier: string;
  id_type: string;
  /** `user` or `public_account`. */
  account_kind: string;
  resign_at: string;
  status: ScheduleStatus;
  /** Who scheduled it: the performed resignation is audited in their name. */
  actor: string;
  actor_type: string | null;
  actor_name: string | null;
  /** The request that scheduled it. */
  request_id: string;
  /** The request id of the resignation when it was performed (its receipts carry it). */
  performed_request_id: string | null;
  /** The server process that performed it. */
  performed_by: string | null;
  finished_at: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface ScheduledTables {
  scheduled_resignations: ScheduledResignationsTable;
}
