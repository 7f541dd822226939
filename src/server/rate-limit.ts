import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/** Counts requests under a key; answers the seconds to wait once the count ran out, else undefined. */
export type FixedWindow = (request: FastifyRequest) => Promise<number | undefined>;

/**
 * `@fastify/rate-limit` counts in fixed windows, in Redis when REDIS_URL is set (every process
 * shares the counts) and in this process otherwise (each process counts on its own: N processes
 * let N times as much through). Registered once, before the throttles that take counters from it.
 * No route gets its hook (`global: false`): each throttle asks its counters itself, so several
 * limits can apply to one request and the answer keeps our envelope.
 */
export async function registerRateLimitStore(app: FastifyInstance, redis?: Redis): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: 'userpool:rate-limit:' } : {}),
  });
}

/**
 * A counter of `max` requests a window under the key `key` gives a request, or undefined when
 * `max` is 0 (the limit is off). `createRateLimit` gives a counter without the plugin's
 * one-limit-per-request guard.
 */
export function fixedWindow(app: FastifyInstance, max: number, windowSeconds: number, key: (request: FastifyRequest) => string): FixedWindow | undefined {
  if (max <= 0) return undefined;
  const limit = app.createRateLimit({ max, timeWindow: windowSeconds * 1000, keyGenerator: key });
  return async (request) => {
    const count = await limit(request);
    return !count.isAllowed && count.isExceeded ? count.ttlInSeconds : undefined;
  };
}
