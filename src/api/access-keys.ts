import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as keys from '../services/pool-keys.js';
import { Success } from '../schemas/common.js';
import { AccessKey, CreateAccessKeyBody, DeleteAccessKeyBody, GetAccessKeyQuery, ListAccessKeyQuery, UpdateAccessKeyBody } from '../schemas/access-keys.js';

const tags = ['access keys'];

export function registerAccessKeyRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-access-key', audit: 'write', summary: 'Create an access key of this pool; its secret is answered once', tags,
    body: CreateAccessKeyBody, data: Type.Array(AccessKey),
    handler: async ({ body, scope }) => keys.createPoolKey(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-access-key', audit: 'read', summary: "The pool's access keys (never their secrets); revoked ones when asked", tags,
    querystring: ListAccessKeyQuery, data: Type.Array(AccessKey),
    handler: async ({ query, scope }) => keys.listPoolKeys(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-access-key', audit: 'read', summary: 'One access key of this pool (never its secret)', tags,
    querystring: GetAccessKeyQuery, data: Type.Array(AccessKey),
    handler: async ({ query, scope }) => keys.getPoolKey(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-access-key', audit: 'write', summary: 'Enable or disable an access key; disabling takes effect at once', tags,
    body: UpdateAccessKeyBody, data: Success,
    handler: async ({ body, scope }) => keys.updatePoolKey(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-access-key', audit: 'write', summary: 'Revoke an access key for good, at once on every process', tags,
    body: DeleteAccessKeyBody, data: Success,
    handler: async ({ body, scope }) => keys.deletePoolKey(scope, body),
  });
}
