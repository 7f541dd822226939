import type { FastifyInstance } from 'fastify';
import { managementRoute } from '../server/route.js';
import * as roles from '../services/role-assignments.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  CheckMutualExclusionBody, DeleteRolesAcrossNamespacesBody, ListNamespaceRolesQuery, ListRoleAssignmentsQuery, MutualExclusionResult, NamespaceRole, RoleAssignmentPage,
} from '../schemas/role-assignments.js';

const tags = ['roles'];

/** Roles across namespaces, their assignments and the mutual-exclusion check. */
export function registerRoleAssignmentRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-namespace-roles', audit: 'read', summary: 'A page of the roles of a permission namespace; keywords match code or name', tags,
    querystring: ListNamespaceRolesQuery, data: Paginated(NamespaceRole),
    handler: async ({ query, scope }) => roles.listNamespaceRoles(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/multiple-namespace-delete-roles-batch', audit: 'write', summary: 'Delete roles of several namespaces with their assignments, all or nothing', tags,
    body: DeleteRolesAcrossNamespacesBody, data: Success,
    handler: async ({ body, scope }) => roles.deleteRolesAcrossNamespaces(scope, body.roleList),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-role-assignments', audit: 'read', summary: 'Who holds a role (users and departments), newest first', tags,
    querystring: ListRoleAssignmentsQuery, data: RoleAssignmentPage,
    handler: async ({ query, scope }) => roles.listRoleAssignments(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/check-role-mutual-exclusion', audit: 'read', summary: 'Whether roles exclude each other: never, Userpool keeps no such rules (the roles must exist)', tags,
    body: CheckMutualExclusionBody, data: MutualExclusionResult,
    handler: async ({ body, scope }) => roles.checkRoleMutualExclusion(scope, body.roles),
  });
}
