import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { Envelope, envelope } from './envelope.js';
import type { Deps, Scope } from '../services/context.js';
import { refuseCredentialsInQuery } from './credentials-in-url.js';
import { POOL_PREFIX } from './pool-address.js';
import { throttledError } from './signin-throttle.js';

type In<T> = T extends TSchema ? Static<T> : undefined;

export interface RouteSpec<B, Q, D extends TSchema> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /**
   * Other names of the same operation (the SDK's newer names for an older call): each answers
   * exactly as `url` does, and is audited and documented under its own name.
   */
  aliases?: string[];
  /**
   * `write` routes leave an admin audit entry, failures included; `read` routes (list-users is a
   * POST but only reads) leave none. Declared by each route, never guessed from its name.
   */
  audit: 'read' | 'write';
  summary: string;
  tags: string[];
  body?: B;
  querystring?: Q;
  data: D;
  handler: (input: { body: In<B>; query: In<Q>; scope: Scope }) => Promise<Static<D>>;
}

/**
 * One call declares a management route: its input schemas, the schema of `data` (which also
 * keeps undeclared fields such as password hashes off the wire) and a handler that calls one
 * service. The envelope and signature check come from here, never from the handler.
 */
export function managementRoute<B extends TSchema | undefined, Q extends TSchema | undefined, D extends TSchema>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, D>,
): void {
  for (const url of [spec.url, ...(spec.aliases ?? [])]) managementRouteAt(app, spec, url);
}

function managementRouteAt<B extends TSchema | undefined, Q extends TSchema | undefined, D extends TSchema>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, D>,
  url: string,
): void {
  app.route({
    method: spec.method,
    url,
    config: { auth: 'management', audit: spec.audit, envelope: {} },
    schema: {
      summary: spec.summary,
      tags: spec.tags,
      security: [{ authingSignature: [] }, { consoleToken: [] }],
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      response: { 200: Envelope(spec.data) },
    },
    handler: async (request) => {
      const data = await spec.handler({
        body: request.body as In<B>,
        query: request.query as In<Q>,
        scope: request.scope!,
      });
      return envelope(request.id, data);
    },
  });
}

export interface PublicRouteSpec<B, Q, D extends TSchema> {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  tags: string[];
  body?: B;
  querystring?: Q;
  data: D;
  /** Also served at `/pools/<poolId><url>` for each pool (its end users' applications call it there). */
  perPool?: boolean;
  /**
   * A password attempt: the account it names, counted by the sign-in throttle with the client
   * address before the handler runs (see signin-throttle.ts).
   */
  throttleAccount?: (body: In<B>) => string | undefined;
  /** HTTP statuses the handler's service answers with the envelope beyond the family's (sign-in: a refused application's 401). */
  refusals?: number[];
  handler: (input: { body: In<B>; query: In<Q>; deps: Deps; request: FastifyRequest }) => Promise<Static<D>>;
}

/**
 * One call declares a route end users' applications call without a management signature
 * (sign-in): schemas in, one service call, the envelope out. The handler gets the request only
 * to read transport facts (client credentials, address, issuer) for the service.
 */
export function publicRoute<B extends TSchema | undefined, Q extends TSchema | undefined, D extends TSchema>(
  app: FastifyInstance,
  spec: PublicRouteSpec<B, Q, D>,
): void {
  for (const url of spec.perPool ? [spec.url, `${POOL_PREFIX}${spec.url}`] : [spec.url]) publicRouteAt(app, spec, url);
}

function publicRouteAt<B extends TSchema | undefined, Q extends TSchema | undefined, D extends TSchema>(
  app: FastifyInstance,
  spec: PublicRouteSpec<B, Q, D>,
  url: string,
): void {
  app.route({
    method: spec.method,
    url,
    // 400: a credential in the query string; 429: the sign-in throttle.
    config: { auth: 'none', envelope: { refusals: [400, ...(spec.throttleAccount ? [429] : []), ...(spec.refusals ?? [])] } },
    // Public routes take client credentials (sign-in): never from the query string.
    preValidation: refuseCredentialsInQuery,
    ...(spec.throttleAccount
      ? {
          preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
            const wait = await app.signinThrottle(request, spec.throttleAccount!(request.body as In<B>));
            if (!wait) return;
            reply.header('retry-after', String(wait.retryAfterSeconds));
            throw throttledError(wait.retryAfterSeconds);
          },
        }
      : {}),
    schema: {
      summary: spec.summary,
      tags: spec.tags,
      // The per-pool copy is the same contract: documented once.
      ...(url !== spec.url ? { hide: true } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      response: { 200: Envelope(spec.data) },
    },
    handler: async (request) => {
      const data = await spec.handler({ body: request.body as In<B>, query: request.query as In<Q>, deps: app.deps, request });
      return envelope(request.id, data);
    },
  });
}
