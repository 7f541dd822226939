import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/database.js';
import { ping } from '../store/database.js';
import type { NonceStore } from './nonce-store.js';

/** What a running server knows about itself; `draining` turns true when it begins to stop. */
export interface ServerState {
  draining: boolean;
}

/**
 * For load balancers and orchestrators; not signed, and they say nothing about the data.
 * - `/health`: 200 when the database (and Redis, when configured) answer, else 503 naming what does not.
 * - `/health/live`: 200 while the process serves requests at all (restart it when this fails).
 * - `/health/ready`: as `/health`, and 503 while the server drains before stopping, so a
 *   balancer sends new work elsewhere. The server only listens once migrations ran, so a ready
 *   answer also means the schema is current.
 */
export function registerHealthRoutes(app: FastifyInstance, options: { db: Db; nonces: NonceStore; state: ServerState }): void {
  const checkDependencies = async () => {
    const check = (work: Promise<void>) => work.then(() => 'ok' as const, () => 'down' as const);
    const [database, nonces] = await Promise.all([check(ping(options.db)), check(options.nonces.ping())]);
    const checks = { database, ...(options.nonces.kind === 'redis' ? { redis: nonces } : {}) };
    return { checks, healthy: Object.values(checks).every((state) => state === 'ok') };
  };
  const route = { config: { auth: 'none' as const }, schema: { hide: true } };

  app.get('/health', route, async (_request, reply) => {
    const { checks, healthy } = await checkDependencies();
    return reply.code(healthy ? 200 : 503).header('cache-control', 'no-store').send({ status: healthy ? 'ok' : 'unavailable', checks });
  });
  app.get('/health/live', route, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  app.get('/health/ready', route, async (_request, reply) => {
    if (options.state.draining) return reply.code(503).header('cache-control', 'no-store').send({ status: 'draining' });
    const { checks, healthy } = await checkDependencies();
    return reply.code(healthy ? 200 : 503).header('cache-control', 'no-store').send({ status: healthy ? 'ready' : 'unavailable', checks });
  });
}
