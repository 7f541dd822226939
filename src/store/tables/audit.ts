/** Row types of the admin audit log, the event outbox and public-account bindings (migration 0005). */
export interface AdminAuditLogsTable {
  id: string;
  pool_id: string;
  /** Who acted: the access key id that signed the request, or the administrator's user id. */
  actor: string;
  /** `access_key`, `admin`, `user`, `scim_token` or `system` (migration 0021); NULL on older rows. */
  actor_type: string | null;
  /** The administrator's name (or email) when a person acted; NULL for keys and tokens. */
  actor_name: string | null;
  /** The route name, e.g. `create-user`. */
  action: string;
  /** GenAuth's AdminAuditLogDto.operationType (create, update, delete, resign, ...). */
  operation_type: string;
  /** GenAuth's AdminAuditLogDto.resourceType (user, org, role, ...). */
  resource_type: string;
  target_type: string | null;
  /** JSON array of ids; admin_audit_log_targets indexes them. */
  target_ids: string;
  request_id: string;
  success: number;
  status_code: number;
  api_code: number | null;
  message: string | null;
  /** JSON, e.g. the relations a resignation removed. */
  detail: string | null;
  client_ip: string | null;
  user_agent: string | null;
  created_at: string;
}

export interface AdminAuditLogTargetsTable {
  pool_id: string;
  log_id: string;
  target_id: string;
}

export interface EventOutboxTable {
  id: string;
  pool_id: string;
  /** An event name of services/event-catalogue.ts, e.g. `user:resigned`. */
  type: string;
  payload: string;
  request_id: string | null;
  created_at: string;
  /** NULL until a dispatcher has delivered it. */
  delivered_at: string | null;
}

export interface PublicAccountBindingsTable {
  pool_id: string;
  public_account_id: string;
  user_id: string;
  created_at: string;
}

export interface AuditTables {
  admin_audit_logs: AdminAuditLogsTable;
  admin_audit_log_targets: AdminAuditLogTargetsTable;
  event_outbox: EventOutboxTable;
  public_account_bindings: PublicAccountBindingsTable;
}
