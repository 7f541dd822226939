import type { FastifyInstance, FastifyReply } from 'fastify';
import Type from 'typebox';
import type { Deps } from '../../services/context.js';
import type { ScimTokenResolver } from '../../services/scim/tokens.js';
import * as users from '../../services/scim/users.js';
import * as groups from '../../services/scim/groups.js';
import * as discovery from '../../services/scim/discovery.js';
import type { ListQuery } from '../../services/scim/context.js';
import { matches } from '../../services/scim/context.js';
import type { Resource } from '../../services/scim/resources.js';
import { ctx, registerScimPlumbing, SCIM_CONTENT_TYPE } from './plugin.js';

/**
 * SCIM 2.0 (RFC 7643/7644) at `/scim/v2`: discovery, Users and Groups. Each route reads its
 * input, calls one SCIM service function and answers the resource with its ETag.
 */

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const ListParams = Type.Object({
  filter: Type.Optional(Type.String()),
  // Past any table, yet an OFFSET both databases take (a larger one failed the query).
  startIndex: Type.Optional(Type.Integer({ maximum: 2_147_483_647 })),
  count: Type.Optional(Type.Integer()),
  attributes: Type.Optional(Type.String()),
  excludedAttributes: Type.Optional(Type.String()),
  sortBy: Type.Optional(Type.String()),
  sortOrder: Type.Optional(Type.String()),
});
const Projection = Type.Object({ attributes: Type.Optional(Type.String()), excludedAttributes: Type.Optional(Type.String()) });
// SCIM resources are open-ended (extensions, client-specific attributes): the SCIM services check
// each attribute they use and name the one that is wrong.
const Body = Type.Object({}, { additionalProperties: true });

const tags = ['SCIM 2.0'];

function send(reply: FastifyReply, code: number, answer: { resource: Resource; version: string }) {
  reply.code(code).type(SCIM_CONTENT_TYPE).header('etag', answer.version);
  if (code === 201) reply.header('location', (answer.resource.meta as { location: string }).location);
  return reply.send(answer.resource);
}

const ifMatch = (headers: Record<string, unknown>) => (typeof headers['if-match'] === 'string' ? headers['if-match'] : undefined);

export async function scimRoutes(app: FastifyInstance, options: { deps: Deps; resolveToken: ScimTokenResolver }): Promise<void> {
  registerScimPlumbing(app, options.deps, options.resolveToken);

  const json = (reply: FastifyReply, body: unknown) => reply.type(SCIM_CONTENT_TYPE).send(body);

  app.get('/ServiceProviderConfig', { schema: { tags, summary: 'What this SCIM service provider supports' } }, async (request, reply) =>
    json(reply, discovery.serviceProviderConfig(ctx(request).baseUrl)));
  app.get('/ResourceTypes', { schema: { tags, summary: 'SCIM resource types' } }, async (request, reply) => json(reply, discovery.listResourceTypes(ctx(request).baseUrl)));
  app.get('/ResourceTypes/:id', { schema: { tags, params: Id } }, async (request, reply) =>
    json(reply, discovery.getResourceType(ctx(request).baseUrl, (request.params as { id: string }).id)));
  app.get('/Schemas', { schema: { tags, summary: 'SCIM schemas' } }, async (request, reply) => json(reply, discovery.listSchemas(ctx(request).baseUrl)));
  app.get('/Schemas/:id', { schema: { tags, params: Id } }, async (request, reply) =>
    json(reply, discovery.getSchema(ctx(request).baseUrl, (request.params as { id: string }).id)));

  const family = <C extends 'user' | 'group'>(
    path: string,
    noun: C,
    service: {
      create(c: ReturnType<typeof ctx>, body: Resource): Promise<{ resource: Resource; version: string }>;
      get(c: ReturnType<typeof ctx>, id: string, query: ListQuery): Promise<{ resource: Resource; version: string }>;
      list(c: ReturnType<typeof ctx>, query: ListQuery): Promise<unknown>;
      replace(c: ReturnType<typeof ctx>, id: string, body: Resource, ifMatch?: string): Promise<{ resource: Resource; version: string }>;
      patch(c: ReturnType<typeof ctx>, id: string, body: unknown, ifMatch?: string): Promise<{ resource: Resource; version: string }>;
      remove(c: ReturnType<typeof ctx>, id: string, ifMatch?: string): Promise<void>;
    },
  ) => {
    app.post(path, { config: { scimAction: `create-${noun}` }, schema: { tags, body: Body } }, async (request, reply) =>
      send(reply, 201, await service.create(ctx(request), request.body as Resource)));
    app.get(path, { schema: { tags, querystring: ListParams } }, async (request, reply) => json(reply, await service.list(ctx(request), request.query as ListQuery)));
    app.get(`${path}/:id`, { schema: { tags, params: Id, querystring: Projection } }, async (request, reply) => {
      const answer = await service.get(ctx(request), (request.params as { id: string }).id, request.query as ListQuery);
      const none = request.headers['if-none-match'];
      if (typeof none === 'string' && matches(none, answer.version)) return reply.code(304).header('etag', answer.version).send();
      return send(reply, 200, answer);
    });
    app.put(`${path}/:id`, { config: { scimAction: `update-${noun}` }, schema: { tags, params: Id, body: Body } }, async (request, reply) =>
      send(reply, 200, await service.replace(ctx(request), (request.params as { id: string }).id, request.body as Resource, ifMatch(request.headers))));
    app.patch(`${path}/:id`, { config: { scimAction: `update-${noun}` }, schema: { tags, params: Id, body: Body } }, async (request, reply) =>
      send(reply, 200, await service.patch(ctx(request), (request.params as { id: string }).id, request.body, ifMatch(request.headers))));
    app.delete(`${path}/:id`, { config: { scimAction: `delete-${noun}` }, schema: { tags, params: Id } }, async (request, reply) => {
      await service.remove(ctx(request), (request.params as { id: string }).id, ifMatch(request.headers));
      return reply.code(204).send();
    });
  };

  family('/Users', 'user', {
    create: users.createScimUser, get: users.getScimUser, list: users.listScimUsers,
    replace: users.replaceScimUser, patch: users.patchScimUser, remove: users.deleteScimUser,
  });
  family('/Groups', 'group', {
    create: groups.createScimGroup, get: groups.getScimGroup, list: groups.listScimGroups,
    replace: groups.replaceScimGroup, patch: groups.patchScimGroup, remove: groups.deleteScimGroup,
  });
}
