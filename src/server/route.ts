import type { FastifyInstance } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { Envelope, envelope } from './envelope.js';
import type { Scope } from '../services/context.js';

type In<T> = T extends TSchema ? Static<T> : undefined;

export interface RouteSpec<B, Q, D extends TSchema> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
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
  app.route({
    method: spec.method,
    url: spec.url,
    config: { auth: 'management' },
    schema: {
      summary: spec.summary,
      tags: spec.tags,
      security: [{ authingSignature: [] }],
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
