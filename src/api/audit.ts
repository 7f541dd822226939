import type { FastifyInstance } from 'fastify';
import { managementRoute } from '../server/route.js';
import { listAuditLogs } from '../services/audit.js';
import { Paginated } from '../schemas/common.js';
import { AdminAuditLog, GetAdminAuditLogsBody, GetUserActionLogsBody, UserActionLog } from '../schemas/audit.js';
import { getUserActionLogs } from '../services/action-logs.js';

const tags = ['audit'];

export function registerAuditRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/get-admin-audit-logs', audit: 'read', summary: 'Admin audit log of this user pool: newest first, with filters and paging', tags,
    body: GetAdminAuditLogsBody, data: Paginated(AdminAuditLog),
    handler: async ({ body, scope }) => listAuditLogs(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/get-user-action-logs', audit: 'read', summary: "Users' sign-ins and their own registration, profile and password changes, newest first", tags,
    body: GetUserActionLogsBody, data: Paginated(UserActionLog),
    handler: async ({ body, scope }) => getUserActionLogs(scope, body),
  });
}
