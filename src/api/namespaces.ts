import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as namespaces from '../services/namespaces.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  CheckNamespaceBody, CodeListBody, CodeListQuery, CodeQuery, CodesBody, CodesQuery, CreateNamespaceBody, CreateNamespacesBody, DeleteNamespaceBody,
  ListNamespacesQuery, ListPermissionNamespacesQuery, NamespaceCheck, NamespaceListItem, NamespaceRole, NamespaceRolesQuery, NamespaceView,
  UpdateNamespaceBody, UpdatedNamespace,
} from '../schemas/roles.js';

const tags = ['namespaces'];

/**
 * Permission namespaces, under GenAuth's `*-namespace` names and the SDK's newer
 * `*-permission-namespace` ones: the same namespaces and the same services. A newer name is an
 * alias where its call is the same; it has a route of its own only where its fields are named
 * differently (`codes`, `query`) or its answer has another shape.
 */
export function registerNamespaceRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-namespace', aliases: ['/api/v3/create-permission-namespace'], audit: 'write', summary: 'Create a permission namespace', tags,
    body: CreateNamespaceBody, data: NamespaceView,
    handler: async ({ body, scope }) => namespaces.createNamespace(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-namespaces-batch', aliases: ['/api/v3/create-permission-namespaces-batch'], audit: 'write',
    summary: 'Create up to 50 permission namespaces, all or nothing', tags, body: CreateNamespacesBody, data: Success,
    handler: async ({ body, scope }) => namespaces.createNamespaces(scope, body.list),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-namespace', aliases: ['/api/v3/get-permission-namespace'], audit: 'read', summary: 'Get a permission namespace', tags,
    querystring: CodeQuery, data: NamespaceView,
    handler: async ({ query, scope }) => namespaces.getNamespace(scope, query.code),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-namespace', aliases: ['/api/v3/delete-permission-namespace'], audit: 'write', summary: 'Delete a permission namespace with its roles', tags,
    body: DeleteNamespaceBody, data: Success,
    handler: async ({ body, scope }) => namespaces.deleteNamespace(scope, body.code),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-namespaces-batch', audit: 'read', summary: 'Get permission namespaces; unknown codes are left out', tags,
    querystring: CodeListQuery, data: Type.Array(NamespaceView),
    handler: async ({ query, scope }) => namespaces.getNamespaces(scope, query.codeList),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-permission-namespaces-batch', audit: 'read', summary: 'Get permission namespaces by code; unknown codes are left out', tags,
    querystring: CodesQuery, data: Type.Array(NamespaceView),
    handler: async ({ query, scope }) => namespaces.getNamespaces(scope, query.codes),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-namespaces', audit: 'read', summary: 'List permission namespaces', tags,
    querystring: ListNamespacesQuery, data: Paginated(NamespaceListItem),
    handler: async ({ query, scope }) => namespaces.listNamespaces(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-permission-namespaces', audit: 'read', summary: 'List permission namespaces; query matches code or name', tags,
    querystring: ListPermissionNamespacesQuery, data: Paginated(NamespaceListItem),
    handler: async ({ query, scope }) => namespaces.listNamespaces(scope, { page: query.page, limit: query.limit, keywords: query.query }),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-namespace', audit: 'write', summary: 'Update a permission namespace; newCode renames it', tags,
    body: UpdateNamespaceBody, data: UpdatedNamespace,
    handler: async ({ body, scope }) => namespaces.updateNamespace(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-permission-namespace', audit: 'write', summary: 'Update a permission namespace; newCode renames it', tags,
    body: UpdateNamespaceBody, data: NamespaceView,
    handler: async ({ body, scope }) => namespaces.updatePermissionNamespace(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-namespaces-batch', audit: 'write', summary: 'Delete permission namespaces with their roles; unknown codes are skipped', tags,
    body: CodeListBody, data: Success,
    handler: async ({ body, scope }) => namespaces.deleteNamespaces(scope, body.codeList),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-permission-namespaces-batch', audit: 'write', summary: 'Delete permission namespaces with their roles; unknown codes are skipped', tags,
    body: CodesBody, data: Success,
    handler: async ({ body, scope }) => namespaces.deleteNamespaces(scope, body.codes),
  });

  // Only under the newer names.
  managementRoute(app, {
    method: 'POST', url: '/api/v3/check-permission-namespace-exists', audit: 'read', summary: 'Whether a code and a name are free for a new permission namespace', tags,
    body: CheckNamespaceBody, data: NamespaceCheck,
    handler: async ({ body, scope }) => namespaces.checkNamespaceExists(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-permission-namespace-roles', audit: 'read', summary: 'The roles of a permission namespace; query matches code or name', tags,
    querystring: NamespaceRolesQuery, data: Paginated(NamespaceRole),
    handler: async ({ query, scope }) => namespaces.listNamespaceRoles(scope, query),
  });
}
