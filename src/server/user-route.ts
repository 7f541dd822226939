import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { Envelope, envelope } from './envelope.js';
import { authenticateEndUser, type Me } from '../services/end-user.js';
import { refuseCredentialsInQuery } from './credentials-in-url.js';
import { POOL_PREFIX, poolAddress } from './pool-address.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The end user an `auth: 'user'` route serves, from their access token. */
    me?: Me;
  }
}

type In<T> = T extends TSchema ? Static<T> : undefined;

export interface UserRouteSpec<B, Q, D extends TSchema> {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  tags: string[];
  body?: B;
  querystring?: Q;
  data: D;
  handler: (input: { body: In<B>; query: In<Q>; me: Me; request: FastifyRequest }) => Promise<Static<D>>;
}

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * One call declares a route the end user calls with their own access token (the SDK's
 * AuthenticationClient with `accessToken` / `setAccessToken`). The token is checked before
 * validation, at every call, exactly as introspection checks it; the handler gets the person it
 * serves and calls one service.
 */
export function userRoute<B extends TSchema | undefined, Q extends TSchema | undefined, D extends TSchema>(
  app: FastifyInstance,
  spec: UserRouteSpec<B, Q, D>,
): void {
  // The default pool's people call `/api/v3/…`; another pool's call `/pools/<poolId>/api/v3/…`.
  for (const url of [spec.url, `${POOL_PREFIX}${spec.url}`]) userRouteAt(app, spec, url);
}

function userRouteAt<B extends TSchema | undefined, Q extends TSchema | undefined, D extends TSchema>(
  app: FastifyInstance,
  spec: UserRouteSpec<B, Q, D>,
  url: string,
): void {
  app.route({
    method: spec.method,
    url,
    // 400: a credential in the query string.
    config: { auth: 'user', envelope: { refusals: [400] } },
    schema: {
      summary: spec.summary,
      tags: spec.tags,
      // The per-pool copy is the same contract: documented once.
      ...(url !== spec.url ? { hide: true } : {}),
      security: [{ userAccessToken: [] }],
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      response: { 200: Envelope(spec.data) },
    },
    preValidation: async (request) => {
      await refuseCredentialsInQuery(request);
      // An address serves one pool: a token of another pool is refused here.
      const { poolId } = await poolAddress(request, app.deps);
      request.me = await authenticateEndUser(app.deps, {
        authorization: header(request, 'authorization'),
        appIdHeader: header(request, 'x-authing-app-id'),
        poolId,
        requestId: request.id,
      });
    },
    handler: async (request) => {
      const data = await spec.handler({ body: request.body as In<B>, query: request.query as In<Q>, me: request.me!, request });
      return envelope(request.id, data);
    },
  });
}
