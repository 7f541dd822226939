import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as namespaces from '../services/namespaces.js';
import * as permissionNamespaces from '../services/permission-namespaces.js';
import { Paginated, Success } from '../schemas/common.js';
import { CodeQuery, CreateNamespaceBody, CreateNamespacesBody, DeleteNamespaceBody, NamespaceListItem, NamespaceView, UpdateNamespaceBody } from '../schemas/roles.js';

const tags = ['namespaces'];
const Code = Type.String({ maxLength: 1024 });

/** The SDK's newer names for permission namespaces: the same namespaces as `create-namespace` and the rest. */
export function registerPermissionNamespaceRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-permission-namespace', audit: 'write', summary: 'Create a permission namespace (same as create-namespace)', tags,
    body: CreateNamespaceBody, data: NamespaceView,
    handler: async ({ body, scope }) => namespaces.createNamespace(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-permission-namespaces-batch', audit: 'write', summary: 'Create up to 50 permission namespaces, all or nothing', tags,
    body: CreateNamespacesBody, data: Success,
    handler: async ({ body, scope }) => namespaces.createNamespaces(scope, body.list),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-permission-namespace', audit: 'read', summary: 'Get a permission namespace', tags, querystring: CodeQuery, data: NamespaceView,
    handler: async ({ query, scope }) => permissionNamespaces.getPermissionNamespace(scope, query.code),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-permission-namespaces-batch', audit: 'read', summary: 'Get permission namespaces by code; unknown codes are left out', tags,
    querystring: Type.Object({ codes: Type.Array(Type.String(), { maxItems: 50 }) }), data: Type.Array(NamespaceView),
    handler: async ({ query, scope }) => namespaces.getNamespaces(scope, query.codes),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-permission-namespaces', audit: 'read', summary: 'List permission namespaces; query matches code or name', tags,
    querystring: Type.Object({ page: Type.Optional(Type.Integer({ default: 1 })), limit: Type.Optional(Type.Integer({ default: 10 })), query: Type.Optional(Type.String({ maxLength: 256 })) }),
    data: Paginated(NamespaceListItem),
    handler: async ({ query, scope }) => namespaces.listNamespaces(scope, { page: query.page, limit: query.limit, keywords: query.query }),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-permission-namespace', audit: 'write', summary: 'Update a permission namespace; newCode renames it', tags,
    body: UpdateNamespaceBody, data: NamespaceView,
    handler: async ({ body, scope }) => permissionNamespaces.updatePermissionNamespace(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-permission-namespace', audit: 'write', summary: 'Delete a permission namespace with its roles', tags,
    body: DeleteNamespaceBody, data: Success,
    handler: async ({ body, scope }) => namespaces.deleteNamespace(scope, body.code),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-permission-namespaces-batch', audit: 'write', summary: 'Delete permission namespaces with their roles; unknown codes are skipped', tags,
    body: Type.Object({ codes: Type.Array(Type.String(), { maxItems: 50 }) }), data: Success,
    handler: async ({ body, scope }) => namespaces.deleteNamespaces(scope, body.codes),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/check-permission-namespace-exists', audit: 'read', summary: 'Whether a code and a name are free for a new permission namespace', tags,
    body: Type.Object({ code: Type.Optional(Code), name: Type.Optional(Type.String({ maxLength: 256 })) }),
    data: Type.Object({ isValid: Type.Boolean(), message: Type.Optional(Type.String()) }),
    handler: async ({ body, scope }) => permissionNamespaces.checkNamespaceExists(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-permission-namespace-roles', audit: 'read', summary: 'The roles of a permission namespace; query matches code or name', tags,
    querystring: Type.Object({ code: Code, page: Type.Optional(Type.Integer({ default: 1 })), limit: Type.Optional(Type.Integer({ default: 10 })), query: Type.Optional(Type.String({ maxLength: 256 })) }),
    data: Paginated(Type.Object({ code: Type.String(), name: Type.String(), description: Type.String(), namespace: Type.String(), updatedAt: Type.String() })),
    handler: async ({ query, scope }) => permissionNamespaces.listNamespaceRoles(scope, query),
  });
}
