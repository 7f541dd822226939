import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as users from '../services/users.js';
import { listUsers } from '../services/user-list.js';
import { unlockUser } from '../services/lockout.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  ArchivedUser, CreateUserBody, CreateUsersBatchBody, DeleteUsersBody, GetUserBatchQuery, GetUserQuery, IsUserExistsBody,
  ListArchivedUsersQuery, ListUsersBody, UnlockUserBody, UnlockUserResult, UpdateUserBody, UpdateUserBatchBody, User, UserMfaInfo,
} from '../schemas/users.js';

const tags = ['users'];

export function registerUserRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-user', audit: 'write', summary: 'Create a user', tags, body: CreateUserBody, data: User,
    handler: async ({ body, scope }) => {
      const { options, ...input } = body;
      return (await users.createUsers(scope, [input], options))[0];
    },
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-users-batch', audit: 'write', summary: 'Create up to 50 users, all or nothing', tags,
    body: CreateUsersBatchBody, data: Type.Array(User),
    handler: async ({ body, scope }) => users.createUsers(scope, body.list, body.options),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user', audit: 'read', summary: 'Get a user by any identifier type', tags, querystring: GetUserQuery, data: User,
    handler: async ({ query, scope }) => users.getUser(scope, query.userId, query.userIdType, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-batch', audit: 'read', summary: 'Get up to 50 users; unknown identifiers are left out', tags,
    querystring: GetUserBatchQuery, data: Type.Array(User),
    handler: async ({ query, scope }) => users.getUsers(scope, query.userIds, query.userIdType, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/list-users', audit: 'read', summary: 'List users: paging, keywords, filters, sorting', tags,
    body: ListUsersBody, data: Paginated(User),
    handler: async ({ body, scope }) => listUsers(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-user', audit: 'write', summary: 'Update a user', tags, body: UpdateUserBody, data: User,
    handler: async ({ body, scope }) => users.updateUser(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-user-batch', audit: 'write', summary: 'Update up to 50 users under the rules of update-user, all or nothing', tags,
    body: UpdateUserBatchBody, data: Type.Array(User),
    handler: async ({ body, scope }) => users.updateUsers(scope, body.list.map((item) => ({ ...item, options: body.options }))),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/unlock-user', audit: 'write', tags, body: UnlockUserBody, data: UnlockUserResult,
    summary: 'Lift the lock-out of a user after wrong passwords, from every address (ours, not in GenAuth)',
    handler: async ({ body, scope }) => unlockUser(scope, body.userId, body.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-users-batch', audit: 'write', summary: 'Delete up to 50 users with all their relations, all or nothing', tags,
    body: DeleteUsersBody, data: Success,
    handler: async ({ body, scope }) => users.deleteUsers(scope, body.userIds, body.options?.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/is-user-exists', audit: 'read', summary: 'Whether a username, email, phone or externalId is taken', tags,
    body: IsUserExistsBody, data: Type.Object({ exists: Type.Boolean() }),
    handler: async ({ body, scope }) => users.isUserExists(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-archived-users', audit: 'read', summary: 'Users whose status is Archived, the latest first', tags,
    querystring: ListArchivedUsersQuery, data: Paginated(ArchivedUser),
    handler: async ({ query, scope }) => users.listArchivedUsers(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-mfa-info', audit: 'read', summary: "Which second factors a user has bound (none: Userpool has no MFA)", tags,
    querystring: GetUserQuery, data: UserMfaInfo,
    handler: async ({ query, scope }) => users.getUserMfaInfo(scope, query.userId, query.userIdType),
  });
}
