import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as roles from '../services/roles.js';
import { Paginated, Success } from '../schemas/common.js';
import { User } from '../schemas/users.js';
import {
  AssignRoleBody, CreateRoleBody, CreateRolesBody, DeleteRolesBody, GetRoleQuery, GetUserRolesQuery, HasAnyRoleBody, ListRoleDepartmentsQuery,
  ListRoleMembersQuery, ListRolesQuery, RevokeRoleBody, Role, RoleBatchBody, RoleDepartment, UpdateRoleBody,
} from '../schemas/roles.js';

export function registerRoleRoutes(app: FastifyInstance): void {
  const tags = ['roles'];

  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-role', audit: 'write', summary: 'Create a role in a permission namespace (default when none)', tags, body: CreateRoleBody, data: Role,
    handler: async ({ body, scope }) => roles.createRole(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-roles-batch', audit: 'write', summary: 'Create up to 50 roles, all or nothing', tags, body: CreateRolesBody, data: Success,
    handler: async ({ body, scope }) => roles.createRoles(scope, body.list),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-role', audit: 'read', summary: 'Get a role by code', tags, querystring: GetRoleQuery, data: Role,
    handler: async ({ query, scope }) => roles.getRole(scope, query.code, query.namespace),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-roles', audit: 'read', summary: 'List the roles of a namespace', tags, querystring: ListRolesQuery, data: Paginated(Role),
    handler: async ({ query, scope }) => roles.listRoles(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-role', audit: 'write', summary: 'Update a role; newCode renames it', tags, body: UpdateRoleBody, data: Success,
    handler: async ({ body, scope }) => roles.updateRole(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-roles-batch', audit: 'write', summary: 'Delete roles with their assignments, all or nothing', tags, body: DeleteRolesBody, data: Success,
    handler: async ({ body, scope }) => roles.deleteRoles(scope, body.codeList, body.namespace),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/assign-role', audit: 'write', summary: 'Give a role to users and departments', tags, body: AssignRoleBody, data: Success,
    handler: async ({ body, scope }) => roles.assignRoles(scope, [body], body.targets, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/assign-role-batch', audit: 'write', summary: 'Give several roles to users and departments', tags, body: RoleBatchBody, data: Success,
    handler: async ({ body, scope }) => roles.assignRoles(scope, body.roles, body.targets, {}, 'roles'),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/revoke-role', audit: 'write', summary: 'Take a role from users and departments', tags, body: RevokeRoleBody, data: Success,
    handler: async ({ body, scope }) => roles.revokeRoles(scope, [body], body.targets),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/revoke-role-batch', audit: 'write', summary: 'Take several roles from users and departments', tags, body: RoleBatchBody, data: Success,
    handler: async ({ body, scope }) => roles.revokeRoles(scope, body.roles, body.targets, 'roles'),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-role-members', audit: 'read', summary: 'Users holding a role', tags, querystring: ListRoleMembersQuery, data: Paginated(User),
    handler: async ({ query, scope }) => roles.listRoleMembers(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-role-departments', audit: 'read', summary: 'Departments holding a role', tags, querystring: ListRoleDepartmentsQuery,
    data: Paginated(RoleDepartment),
    handler: async ({ query, scope }) => roles.listRoleDepartments(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-roles', audit: 'read', summary: "A user's roles in one namespace", tags, querystring: GetUserRolesQuery, data: Paginated(Role),
    handler: async ({ query, scope }) => roles.getUserRoles(scope, query.userId, query.userIdType, query.namespace),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/has-any-role', audit: 'read', summary: 'Whether a user holds at least one of the roles', tags, body: HasAnyRoleBody,
    data: Type.Object({ hasAnyRole: Type.Boolean() }),
    handler: async ({ body, scope }) => roles.hasAnyRole(scope, body.userId, body.roles, body.options?.userIdType),
  });
}
