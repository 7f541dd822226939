import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as lifecycle from '../services/lifecycle.js';
import { Id, Success, UserIdType } from '../schemas/common.js';

const tags = ['lifecycle'];
const Batch = Type.Array(Id, { minItems: 1, maxItems: 50, description: 'at most 50 ids; all resolve or nothing changes' });

export function registerLifecycleRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/resign-user', audit: 'write',
    summary: 'Resign a user: remove every relation, keep the profile, end every session (irreversible; safe to retry)', tags,
    body: Type.Object({ userId: Id, userIdType: UserIdType }), data: Success,
    handler: async ({ body, scope }) => lifecycle.resignUser(scope, body.userId, body.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/resign-user-batch', audit: 'write', summary: 'Resign up to 50 users in one transaction, all or nothing', tags,
    body: Type.Object({ userIds: Batch, userIdType: UserIdType }), data: Success,
    handler: async ({ body, scope }) => lifecycle.resignUsers(scope, body.userIds, body.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/resign-public-account-batch', audit: 'write', summary: 'Resign up to 50 public accounts in one transaction, all or nothing', tags,
    body: Type.Object({ userIds: Batch, userIdType: UserIdType }), data: Success,
    handler: async ({ body, scope }) => lifecycle.resignPublicAccounts(scope, body.userIds, body.userIdType),
  });
}
