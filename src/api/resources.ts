import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as resources from '../services/resources.js';
import * as authorization from '../services/authorization.js';
import { listResourceTargets } from '../services/resource-targets.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  AuthorizeResourcesBody, AuthorizedResource, AuthorizedResourcesQuery, CreateResourceBody, CreateResourcesBatchBody, DeleteResourceBody,
  DeleteResourcesBatchBody, GetResourceQuery, GetResourcesBatchQuery, IsActionAllowedBody, ListResourcesQuery, Resource, ResourceTarget,
  ResourceTargetsBody, SubjectAuthorizedResourcesQuery, UpdateResourceBody, UserAuthorizedResourcesQuery,
} from '../schemas/resources.js';

const tags = ['resources'];
const authTags = ['authorization'];

export function registerResourceRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-resource', audit: 'write', summary: 'Create a resource in a permission namespace', tags, body: CreateResourceBody, data: Resource,
    handler: async ({ body, scope }) => {
      const { namespace, ...input } = body;
      return (await resources.createResources(scope, [input], namespace, false))[0];
    },
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-resources-batch', audit: 'write', summary: 'Create up to 50 resources, all or nothing', tags, body: CreateResourcesBatchBody, data: Success,
    handler: async ({ body, scope }) => {
      await resources.createResources(scope, body.list, body.namespace, true);
      return { success: true };
    },
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-resource', audit: 'read', summary: 'Get a resource by code', tags, querystring: GetResourceQuery, data: Resource,
    handler: async ({ query, scope }) => resources.getResource(scope, query.code, query.namespace),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-resources-batch', audit: 'read', summary: 'Get up to 50 resources by code; unknown codes are left out', tags,
    querystring: GetResourcesBatchQuery, data: Type.Array(Resource),
    handler: async ({ query, scope }) => resources.getResources(scope, query.codeList, query.namespace),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-resources', audit: 'read', summary: "List a namespace's resources", tags, querystring: ListResourcesQuery, data: Paginated(Resource),
    handler: async ({ query, scope }) => resources.listResources(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-resource', audit: 'write', summary: 'Update a resource; grants lose actions it no longer defines', tags,
    body: UpdateResourceBody, data: Resource,
    handler: async ({ body, scope }) => resources.updateResource(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-resource', audit: 'write', summary: 'Delete a resource and every grant on it', tags, body: DeleteResourceBody, data: Success,
    handler: async ({ body, scope }) => resources.deleteResource(scope, body.code, body.namespace),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-resources-batch', audit: 'write', summary: 'Delete resources by code or id with their grants', tags,
    body: DeleteResourcesBatchBody, data: Success,
    handler: async ({ body, scope }) => resources.deleteResources(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/authorize-resources', audit: 'write', summary: 'Grant resources to users, roles, groups or departments', tags: authTags,
    body: AuthorizeResourcesBody, data: Success,
    handler: async ({ body, scope }) => authorization.authorizeResources(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-authorized-resources', audit: 'read', summary: "A user's grants: own and inherited, each with its source", tags: authTags,
    querystring: UserAuthorizedResourcesQuery, data: Paginated(AuthorizedResource),
    handler: async ({ query, scope }) => authorization.getUserAuthorizedResources(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-authorized-resources', audit: 'read', summary: "A subject's own grants", tags: authTags,
    querystring: AuthorizedResourcesQuery, data: Paginated(AuthorizedResource),
    handler: async ({ query, scope }) => authorization.getTargetAuthorizedResources(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/is-action-allowed', audit: 'read', summary: 'Whether a user may do an action on a resource', tags: authTags,
    body: IsActionAllowedBody, data: Type.Object({ allowed: Type.Boolean() }),
    handler: async ({ body, scope }) => authorization.isActionAllowed(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/get-resource-authorized-targets', audit: 'read', summary: 'Who holds a grant on a resource', tags: authTags,
    body: ResourceTargetsBody, data: Paginated(ResourceTarget),
    handler: async ({ body, scope }) => authorization.getResourceAuthorizedTargets(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/list-resource-targets', audit: 'read', summary: 'For each resource and action, the users allowed to do it (as is-action-allowed decides)', tags: authTags,
    body: Type.Object({
      resources: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 50 }),
      actions: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 50 }),
      namespaceCode: Type.String({ maxLength: 1024 }),
    }),
    data: Type.Object({
      authUserList: Type.Array(Type.Object({ resource: Type.String(), actionAuthList: Type.Array(Type.Object({ action: Type.String(), userIds: Type.Array(Type.String()) })) })),
    }),
    handler: async ({ body, scope }) => listResourceTargets(scope, body),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-role-authorized-resources', audit: 'read', summary: "A role's own grants", tags: authTags,
    querystring: SubjectAuthorizedResourcesQuery, data: Paginated(AuthorizedResource),
    handler: async ({ query, scope }) =>
      authorization.getTargetAuthorizedResources(scope, { ...query, targetType: 'ROLE', targetIdentifier: query.code }, '角色不存在'),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-group-authorized-resources', audit: 'read', summary: "A group's own grants", tags: authTags,
    querystring: SubjectAuthorizedResourcesQuery, data: Type.Array(AuthorizedResource),
    handler: async ({ query, scope }) =>
      (await authorization.getTargetAuthorizedResources(scope, { ...query, targetType: 'GROUP', targetIdentifier: query.code }, '分组不存在')).list,
  });
}
