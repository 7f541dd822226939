/** Row types of the admin audit log and the event outbox (migration 0005). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuditTables {}
