import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as status from '../services/department-status.js';
import * as search from '../services/department-search.js';
import { Success } from '../schemas/common.js';
import { Department } from '../schemas/organizations.js';
import * as syncRelations from '../services/department-sync-relations.js';
import { createDepartmentTree } from '../services/department-tree.js';
import {
  CreateDepartmentSyncRelationBody, CreateDepartmentTreeBody, DepartmentTreeResult, DeleteDepartmentSyncRelationsBody, DepartmentSyncRelation, GetDepartmentByIdQuery, GetDepartmentSyncRelationsQuery,
  SearchDepartmentsListBody, UpdateDepartmentStatusBody, UpdateOrganizationStatusBody,
} from '../schemas/departments.js';

const orgTags = ['organizations'];
const deptTags = ['departments'];

/** The department endpoints that need no organization code, status changes and the list search. */
export function registerDepartmentRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-department-by-id', audit: 'read', summary: 'Get a department of any organization of the pool by its id', tags: deptTags,
    querystring: GetDepartmentByIdQuery, data: Department,
    handler: async ({ query, scope }) => status.getDepartmentById(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-department-status', audit: 'write', summary: 'Enable or disable a department and every department below it', tags: deptTags,
    body: UpdateDepartmentStatusBody, data: Department,
    handler: async ({ body, scope }) => status.updateDepartmentStatus(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-organization-status', audit: 'write', summary: 'Enable or disable an organization (its whole department tree)', tags: orgTags,
    body: UpdateOrganizationStatusBody, data: Success,
    handler: async ({ body, scope }) => status.updateOrganizationStatus(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/search-departments-list', audit: 'read', summary: "A page of an organization's enabled departments matching filters", tags: deptTags,
    body: SearchDepartmentsListBody, data: Type.Array(Department),
    handler: async ({ body, scope }) => search.searchDepartmentsList(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-department-sync-relation', audit: 'write',
    summary: 'Record a department sync relation <provider>:<departmentIdInIdp> (Userpool extension: in the cloud, sync jobs write these)', tags: deptTags,
    body: CreateDepartmentSyncRelationBody, data: DepartmentSyncRelation,
    handler: async ({ body, scope }) => syncRelations.createDepartmentSyncRelation(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-department-sync-relations', audit: 'read', summary: "A department's sync relations (the root's when none is named)", tags: deptTags,
    querystring: GetDepartmentSyncRelationsQuery, data: Type.Object({ list: Type.Array(DepartmentSyncRelation), totalCount: Type.Integer() }),
    handler: async ({ query, scope }) => syncRelations.getDepartmentSyncRelations(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-department-sync-relations', audit: 'write', summary: "Delete a department's sync relations with one provider", tags: deptTags,
    body: DeleteDepartmentSyncRelationsBody, data: Success,
    handler: async ({ body, scope }) => syncRelations.deleteDepartmentSyncRelations(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-department-tree', audit: 'write', summary: 'Make sure a tree of departments and their members exists, in one transaction', tags: deptTags,
    body: CreateDepartmentTreeBody, data: DepartmentTreeResult,
    handler: async ({ body, scope }) => createDepartmentTree(scope, body),
  });
}
