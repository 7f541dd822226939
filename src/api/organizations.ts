import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as organizations from '../services/organizations.js';
import * as departments from '../services/departments.js';
import * as members from '../services/department-members.js';
import { Paginated, Success } from '../schemas/common.js';
import { User } from '../schemas/users.js';
import {
  CreateDepartmentBody, CreateOrganizationBody, Department, DepartmentMembersBody, DepartmentRefBody, DepartmentRefQuery,
  GetAllDepartmentsQuery, GetDepartmentQuery, GetOrganizationQuery, GetOrganizationsBatchQuery, GetParentDepartmentQuery, GetUserDepartmentsQuery, IsUserInDepartmentQuery,
  ListChildrenQuery, ListDepartmentMembersQuery, ListOrganizationsQuery, Organization, OrganizationCodeBody, SearchDepartmentMembersQuery,
  SearchDepartmentsBody, SearchOrganizationsQuery, SetUserDepartmentsBody, UpdateDepartmentBody, UpdateOrganizationBody, UserDepartment,
} from '../schemas/organizations.js';

const orgTags = ['organizations'];
const deptTags = ['departments'];

export function registerOrganizationRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-organization', audit: 'write', summary: 'Create an organization with its root department', tags: orgTags,
    body: CreateOrganizationBody, data: Organization,
    handler: async ({ body, scope }) => organizations.createOrganization(scope, { ...body, organizationName: body.organizationName }),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-organization', audit: 'read', summary: 'Get an organization by code', tags: orgTags,
    querystring: GetOrganizationQuery, data: Organization,
    handler: async ({ query, scope }) => organizations.getOrganization(scope, query.organizationCode, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-organization-batch', audit: 'read', summary: 'Get up to 50 organizations; unknown codes are left out', tags: orgTags,
    querystring: GetOrganizationsBatchQuery, data: Type.Array(Organization),
    handler: async ({ query, scope }) => organizations.getOrganizations(scope, query.organizationCodeList, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-organizations', audit: 'read', summary: 'List organizations, newest first', tags: orgTags,
    querystring: ListOrganizationsQuery, data: Paginated(Organization),
    handler: async ({ query, scope }) => organizations.listOrganizations(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/search-organizations', audit: 'read', summary: 'Search organizations by name or code', tags: orgTags,
    querystring: SearchOrganizationsQuery, data: Paginated(Organization),
    handler: async ({ query, scope }) => organizations.searchOrganizations(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-organization', audit: 'write', summary: 'Update an organization (code, name, root department fields)', tags: orgTags,
    body: UpdateOrganizationBody, data: Organization,
    handler: async ({ body, scope }) => organizations.updateOrganization(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-organization', audit: 'write', summary: 'Delete an organization with all its departments and memberships', tags: orgTags,
    body: OrganizationCodeBody, data: Success,
    handler: async ({ body, scope }) => organizations.deleteOrganization(scope, body.organizationCode),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-department', audit: 'write', summary: 'Create a department under a parent', tags: deptTags,
    body: CreateDepartmentBody, data: Department,
    handler: async ({ body, scope }) => departments.createDepartment(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-department', audit: 'read', summary: 'Get a department by id, code or open id', tags: deptTags,
    querystring: GetDepartmentQuery, data: Department,
    handler: async ({ query, scope }) => departments.getDepartment(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-department', audit: 'write', summary: 'Update or move a department', tags: deptTags,
    body: UpdateDepartmentBody, data: Department,
    handler: async ({ body, scope }) => departments.updateDepartment(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-department', audit: 'write', summary: 'Delete a department with its subtree and their relations', tags: deptTags,
    body: DepartmentRefBody, data: Success,
    handler: async ({ body, scope }) => departments.deleteDepartment(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-children-departments', audit: 'read', summary: 'List the direct children of a department', tags: deptTags,
    querystring: ListChildrenQuery, data: Paginated(Department),
    handler: async ({ query, scope }) => departments.listChildren(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-all-departments', audit: 'read', summary: 'Every department below a department (root by default)', tags: deptTags,
    querystring: GetAllDepartmentsQuery, data: Paginated(Department),
    handler: async ({ query, scope }) => departments.allDepartments(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/search-departments', audit: 'read', summary: 'Search departments of an organization by name or code', tags: deptTags,
    body: SearchDepartmentsBody, data: Type.Array(Department),
    handler: async ({ body, scope }) => departments.searchDepartments(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-parent-department', audit: 'read', summary: 'Get the parent of a department', tags: deptTags,
    querystring: GetParentDepartmentQuery, data: Department,
    handler: async ({ query, scope }) => departments.getParentDepartment(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/add-department-members', audit: 'write', summary: 'Add users to a department', tags: deptTags,
    body: DepartmentMembersBody, data: Success,
    handler: async ({ body, scope }) => members.addMembers(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/remove-department-members', audit: 'write', summary: 'Remove users from a department', tags: deptTags,
    body: DepartmentMembersBody, data: Success,
    handler: async ({ body, scope }) => members.removeMembers(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-department-members', audit: 'read', summary: 'List the members of a department', tags: deptTags,
    querystring: ListDepartmentMembersQuery, data: Paginated(User),
    handler: async ({ query, scope }) => members.listMembers(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/search-department-members', audit: 'read', summary: 'Search the members of a department', tags: deptTags,
    querystring: SearchDepartmentMembersQuery, data: Paginated(User),
    handler: async ({ query, scope }) => members.listMembers(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-department-member-ids', audit: 'read', summary: 'Ids of the direct members of a department', tags: deptTags,
    querystring: DepartmentRefQuery, data: Type.Array(Type.String()),
    handler: async ({ query, scope }) => members.listMemberIds(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/is-user-in-department', audit: 'read', summary: 'Whether a user is in a department (or below it)', tags: deptTags,
    querystring: IsUserInDepartmentQuery, data: Type.Object({ inDepartment: Type.Boolean() }),
    handler: async ({ query, scope }) => members.isUserInDepartment(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-departments', audit: 'read', summary: "A user's departments", tags: deptTags,
    querystring: GetUserDepartmentsQuery, data: Paginated(UserDepartment),
    handler: async ({ query, scope }) => members.getUserDepartments(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-user-departments', audit: 'write', summary: "Replace a user's departments", tags: deptTags,
    body: SetUserDepartmentsBody, data: Success,
    handler: async ({ body, scope }) => members.setUserDepartments(scope, body),
  });
}
