import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as accounts from '../services/public-accounts.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  BindPublicAccountsBody, BindUsersBody, CreatePublicAccountBody, CreatePublicAccountsBatchBody, DeletePublicAccountsBody,
  GetPublicAccountBatchQuery, GetPublicAccountQuery, ListPublicAccountsBody, PublicAccount, PublicAccountsOfUserQuery, UnbindBody,
  UpdatePublicAccountBatchBody, UpdatePublicAccountBody, UsersOfPublicAccountQuery, PublicAccountsOfRoleQuery, PublicAccountsOfGroupQuery,
  PublicAccountsOfDepartmentQuery, PublicAccountsOfPostQuery, PostOfPublicAccountQuery, BindRolesBody, BindGroupsBody,
  TransferIntoPublicAccountBody,
} from '../schemas/public-accounts.js';
import { GetUserRolesQuery, Role } from '../schemas/roles.js';
import { GetUserGroupsQuery, Group } from '../schemas/groups.js';
import { GetUserDepartmentsQuery, SetUserDepartmentsBody, UserDepartment } from '../schemas/organizations.js';
import { Post, UserConnectionPostBody } from '../schemas/posts.js';
import { KickUsersBody } from '../schemas/authentication.js';

const tags = ['public-accounts'];

export function registerPublicAccountRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/kick-public-accounts', audit: 'write', summary: "End a public account's sessions in the given applications", tags,
    body: KickUsersBody, data: Success,
    handler: async ({ body, scope }) => accounts.kickPublicAccount(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-public-account', audit: 'write', summary: 'Create a public account (an account several people share)', tags,
    body: CreatePublicAccountBody, data: PublicAccount,
    handler: async ({ body, scope }) => {
      const { options, ...input } = body;
      return (await accounts.createPublicAccounts(scope, [input], options))[0];
    },
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-public-accounts-batch', audit: 'write', summary: 'Create up to 50 public accounts, all or nothing', tags,
    body: CreatePublicAccountsBatchBody, data: Type.Array(PublicAccount),
    handler: async ({ body, scope }) => accounts.createPublicAccounts(scope, body.list, body.options),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-public-account', audit: 'read', summary: 'Get a public account by any identifier type', tags,
    querystring: GetPublicAccountQuery, data: PublicAccount,
    handler: async ({ query, scope }) => accounts.getPublicAccount(scope, query.userId, query.userIdType, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-public-account-batch', audit: 'read', summary: 'Get up to 50 public accounts; unknown identifiers are left out', tags,
    querystring: GetPublicAccountBatchQuery, data: Type.Array(PublicAccount),
    handler: async ({ query, scope }) => accounts.getPublicAccounts(scope, query.userIds, query.userIdType, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/list-public-accounts', audit: 'read', summary: 'List public accounts: paging, keywords, filters, sorting', tags,
    body: ListPublicAccountsBody, data: Paginated(PublicAccount),
    handler: async ({ body, scope }) => accounts.listPublicAccounts(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-public-account', audit: 'write', summary: 'Update a public account', tags,
    body: UpdatePublicAccountBody, data: PublicAccount,
    handler: async ({ body, scope }) => (await accounts.updatePublicAccounts(scope, [body]))[0],
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-public-account-batch', audit: 'write', summary: 'Update up to 50 public accounts, all or nothing', tags,
    body: UpdatePublicAccountBatchBody, data: Type.Array(PublicAccount),
    handler: async ({ body, scope }) => accounts.updatePublicAccounts(scope, body.list.map((item) => ({ ...item, options: body.options }))),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-public-accounts-batch', audit: 'write', summary: 'Delete up to 50 public accounts with their bindings and relations', tags,
    body: DeletePublicAccountsBody, data: Success,
    handler: async ({ body, scope }) => accounts.deletePublicAccounts(scope, body.userIds, body.options?.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/transfer-into-public-account', audit: 'write', summary: 'Turn a personal account into a public account, keeping its id and relations', tags,
    body: TransferIntoPublicAccountBody, data: Success,
    handler: async ({ body, scope }) => accounts.transferIntoPublicAccount(scope, body.userId),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-public-account-of-users', audit: 'write', summary: 'Bind users to a public account (added to those bound)', tags,
    body: BindUsersBody, data: Success,
    handler: async ({ body, scope }) => accounts.bindUsers(scope, body.publicAccountId, body.userIds),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-user-of-public-accounts', audit: 'write', summary: 'Bind a user to public accounts (added to those bound)', tags,
    body: BindPublicAccountsBody, data: Success,
    handler: async ({ body, scope }) => accounts.bindPublicAccounts(scope, body.userId, body.publicAccountIds),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/unbind-public-account-of-user', audit: 'write', summary: 'Unbind a user from a public account', tags,
    body: UnbindBody, data: Success,
    handler: async ({ body, scope }) => accounts.unbind(scope, body.userId, body.publicAccountId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-public-accounts-of-user', audit: 'read', summary: 'Public accounts a user is bound to', tags,
    querystring: PublicAccountsOfUserQuery, data: Paginated(PublicAccount),
    handler: async ({ query, scope }) => accounts.publicAccountsOfUser(scope, query.userId, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-users-of-public-account', audit: 'read', summary: 'Users bound to a public account', tags,
    querystring: UsersOfPublicAccountQuery, data: Paginated(PublicAccount),
    handler: async ({ query, scope }) => accounts.usersOfPublicAccount(scope, query.publicAccountId, query),
  });

  // Relations: the user-side rules and answers of each family, for public accounts only.
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-roles-of-public-account', audit: 'read', summary: "A public account's roles in one namespace", tags,
    querystring: GetUserRolesQuery, data: Paginated(Role),
    handler: async ({ query, scope }) => accounts.rolesOfPublicAccount(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-groups-of-public-account', audit: 'read', summary: "A public account's groups", tags,
    querystring: GetUserGroupsQuery, data: Paginated(Group),
    handler: async ({ query, scope }) => accounts.groupsOfPublicAccount(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-departments-of-public-account', audit: 'read', summary: "A public account's departments", tags,
    querystring: GetUserDepartmentsQuery, data: Paginated(UserDepartment),
    handler: async ({ query, scope }) => accounts.departmentsOfPublicAccount(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-public-account-of-departments', audit: 'write', summary: "Replace a public account's departments", tags,
    body: SetUserDepartmentsBody, data: Success,
    handler: async ({ body, scope }) => accounts.setDepartmentsOfPublicAccount(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-post-of-public-account', audit: 'read', summary: "A public account's first post", tags,
    querystring: PostOfPublicAccountQuery, data: Post,
    handler: async ({ query, scope }) => accounts.postOfPublicAccount(scope, query.userId, query.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-public-account-of-post', audit: 'write', summary: 'Add a post to a public account', tags,
    body: UserConnectionPostBody, data: Success,
    handler: async ({ body, scope }) => accounts.connectPublicAccountToPost(scope, body.userId, body.postId, body.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/unbind-public-account-of-post', audit: 'write', summary: 'Remove a post from a public account', tags,
    body: UserConnectionPostBody, data: Success,
    handler: async ({ body, scope }) => accounts.unbindPost(scope, body.userId, body.postId, body.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-public-account-of-roles', audit: 'write', summary: 'Add roles (by id) to a public account', tags,
    body: BindRolesBody, data: Success,
    handler: async ({ body, scope }) => accounts.bindRoles(scope, body.userId, body.roleIds),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-public-account-of-groups', audit: 'write', summary: 'Add a public account to groups (by id)', tags,
    body: BindGroupsBody, data: Success,
    handler: async ({ body, scope }) => accounts.bindGroups(scope, body.userId, body.groupIds),
  });

  for (const [relation, url, schema, field] of [
    ['role', 'get-public-accounts-of-role', PublicAccountsOfRoleQuery, 'roleId'],
    ['group', 'get-public-accounts-of-group', PublicAccountsOfGroupQuery, 'groupId'],
    ['department', 'get-public-accounts-of-department', PublicAccountsOfDepartmentQuery, 'departmentId'],
    ['post', 'get-public-accounts-of-post', PublicAccountsOfPostQuery, 'postId'],
  ] as const) {
    managementRoute(app, {
      method: 'GET', url: `/api/v3/${url}`, audit: 'read', summary: `Public accounts of a ${relation}`, tags, querystring: schema, data: Paginated(PublicAccount),
      handler: async ({ query, scope }) => accounts.publicAccountsOf(scope, relation, String((query as Record<string, unknown>)[field]), query),
    });
  }
}
