import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fixedWindow } from './rate-limit.js';
import { ApiCode, AppError } from '../errors.js';

/** How many self-registrations one client address may attempt per window (0 turns the limit off). */
export interface SignupThrottleSettings {
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_SIGNUP_THROTTLE: SignupThrottleSettings = { perAddress: 20, windowSeconds: 3600 };

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler for POST /api/v3/signup: answers 429 once the client address used up its window. */
    signupThrottle: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/**
 * `signup` needs only an application's id, which any page of the application shows, so without
 * a limit one machine could fill a pool with accounts. Attempts are counted per client address,
 * whatever their outcome, before any hashing or database work; in Redis when REDIS_URL is set.
 */
export function registerSignupThrottle(app: FastifyInstance, settings: SignupThrottleSettings): void {
  const byAddress = fixedWindow(app, settings.perAddress, settings.windowSeconds, (request) => `signup-address:${request.ip}`);
  app.decorate('signupThrottle', async (request: FastifyRequest, reply: FastifyReply) => {
    const wait = await byAddress?.(request);
    if (wait === undefined) return;
    reply.header('retry-after', String(wait));
    throw new AppError(429, ApiCode.SIGNIN_THROTTLED, `too many sign-up attempts from this address; try again in ${wait} s`, 429, `注册尝试过于频繁，请 ${wait} 秒后重试`);
  });
}
