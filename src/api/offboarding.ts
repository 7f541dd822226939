import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import { previewResignation } from '../services/lifecycle.js';
import { getReceipts } from '../services/resignation-receipts.js';
import { cancelScheduledResignation, listScheduledResignations, scheduleResignation } from '../services/scheduled-resignations.js';
import { CancelScheduleBody, ListSchedulesBody, Preview, PreviewBody, Receipts, ReceiptsBody, Schedule, ScheduleBody } from '../schemas/offboarding.js';

const tags = ['lifecycle'];

/** Ours, beside the GenAuth resignation endpoints: see before, keep a receipt, resign later. */
export function registerOffboardingRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/preview-resignation', audit: 'read',
    summary: 'Dry run: what resigning these people would remove and end, and which identifiers match nobody; nothing changes', tags,
    body: PreviewBody, data: Preview,
    handler: async ({ body, scope }) => previewResignation(scope, body.userIds, body.userIdType, body.accountType),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/get-resignation-receipts', audit: 'read',
    summary: 'Receipts of resignations from the audit log, by user ids and/or request id, as JSON and optionally CSV', tags,
    body: ReceiptsBody, data: Receipts,
    handler: async ({ body, scope }) => getReceipts(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/schedule-resignation', audit: 'write',
    summary: 'Schedule the resignation of up to 50 people at a given time, all or nothing', tags,
    body: ScheduleBody, data: Type.Object({ list: Type.Array(Schedule) }),
    handler: async ({ body, scope }) => scheduleResignation(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/list-scheduled-resignations', audit: 'read', summary: 'Scheduled resignations, soonest first', tags,
    body: ListSchedulesBody, data: Type.Object({ list: Type.Array(Schedule), totalCount: Type.Integer() }),
    handler: async ({ body, scope }) => listScheduledResignations(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/cancel-scheduled-resignation', audit: 'write', summary: 'Cancel pending scheduled resignations, all or nothing', tags,
    body: CancelScheduleBody, data: Type.Object({ list: Type.Array(Schedule) }),
    handler: async ({ body, scope }) => cancelScheduledResignation(scope, body.scheduleIds),
  });
}
