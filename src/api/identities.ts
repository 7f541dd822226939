import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as identities from '../services/identities.js';
import { Id, Success, UserIdType } from '../schemas/common.js';
import { Identity, LoggedInIdentity } from '../schemas/users.js';

const tags = ['identities'];

const ExtIdp = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  tenantId: Type.Optional(Type.String()),
  connections: Type.Array(Type.Any()),
});

const SyncRelation = Type.Object({
  provider: Type.String(),
  userIdInIdp: Type.String(),
  userId: Type.String(),
  createdAt: Type.String(),
});

export function registerIdentityRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-ext-idp', audit: 'write', summary: 'Create an external identity source', tags,
    body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }), type: Type.String({ minLength: 1, maxLength: 64 }), tenantId: Type.Optional(Type.String()) }),
    data: ExtIdp,
    handler: async ({ body, scope }) => identities.createExtIdp(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-ext-idp', audit: 'write', summary: 'Rename an external identity source', tags,
    body: Type.Object({ id: Id, name: Type.String({ minLength: 1, maxLength: 256 }), tenantId: Type.Optional(Type.String()) }),
    data: ExtIdp,
    handler: async ({ body, scope }) => identities.updateExtIdp(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-ext-idp', audit: 'write', summary: 'Delete an external identity source nobody signs in with any more', tags,
    body: Type.Object({ id: Id, tenantId: Type.Optional(Type.String()) }),
    data: Success,
    handler: async ({ body, scope }) => identities.deleteExtIdp(scope, body.id),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-ext-idp', audit: 'read', summary: 'List external identity sources', tags,
    querystring: Type.Object({ tenantId: Type.Optional(Type.String()), appId: Type.Optional(Type.String()) }),
    data: Type.Object({ list: Type.Array(ExtIdp), totalCount: Type.Integer() }),
    handler: async ({ query, scope }) => identities.listExtIdps(scope, query.tenantId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-ext-idp', audit: 'read', summary: 'Get an external identity source', tags,
    querystring: Type.Object({ id: Id, tenantId: Type.Optional(Type.String()), appId: Type.Optional(Type.String()), type: Type.Optional(Type.String()) }),
    data: ExtIdp,
    handler: async ({ query, scope }) => identities.getExtIdp(scope, query.id),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-logged-in-identities', audit: 'read', summary: 'The identity sources a user signs in with', tags,
    querystring: Type.Object({ userId: Id, userIdType: UserIdType }),
    data: Type.Array(LoggedInIdentity),
    handler: async ({ query, scope }) => identities.getUserLoggedInIdentities(scope, query.userId, query.userIdType),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-identities', audit: 'read', summary: "A user's external identities", tags,
    querystring: Type.Object({ userId: Id, userIdType: UserIdType }),
    data: Type.Array(Identity),
    handler: async ({ query, scope }) => identities.getUserIdentities(scope, query.userId, query.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/link-identity', audit: 'write', summary: 'Bind an external identity to a user', tags,
    body: Type.Object({ userId: Id, extIdpId: Id, userIdInIdp: Type.String({ minLength: 1 }), type: Type.Optional(Type.String()), isSocial: Type.Optional(Type.Boolean()) }),
    data: Success,
    handler: async ({ body, scope }) => identities.linkIdentity(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/unlink-identity', audit: 'write', summary: "Remove a user's identities from one source", tags,
    body: Type.Object({ userId: Id, extIdpId: Id, type: Type.Optional(Type.String()), isSocial: Type.Optional(Type.Boolean()) }),
    data: Success,
    handler: async ({ body, scope }) => identities.unlinkIdentity(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-user-sync-relation', audit: 'write',
    summary: 'Record a sync relation <provider>:<userIdInIdp> (Userpool extension: in the cloud, sync jobs write these)', tags,
    body: Type.Object({ userId: Id, userIdType: UserIdType, provider: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^:]+$' }), userIdInIdp: Type.String({ minLength: 1 }) }),
    data: SyncRelation,
    handler: async ({ body, scope }) => identities.createSyncRelation(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-sync-relations', audit: 'read', summary: "A user's sync relations", tags,
    querystring: Type.Object({ userId: Id, userIdType: UserIdType, tenantId: Type.Optional(Type.String()) }),
    data: Type.Object({ list: Type.Array(SyncRelation), totalCount: Type.Integer() }),
    handler: async ({ query, scope }) => identities.getUserSyncRelations(scope, query.userId, query.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-user-sync-relations', audit: 'write', summary: "Delete a user's sync relations with one provider", tags,
    body: Type.Object({ userId: Id, userIdType: UserIdType, provider: Type.String({ minLength: 1 }) }),
    data: Success,
    handler: async ({ body, scope }) => identities.deleteUserSyncRelations(scope, body),
  });
}
