import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { ApiCode, AppError } from '../errors.js';

/** How many password attempts are let through per window (0 turns a limit off). */
export interface ThrottleSettings {
  perAddress: number;
  perAccount: number;
  windowSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { perAddress: 300, perAccount: 10, windowSeconds: 60 };

export interface Throttled {
  /** Which count ran out: the client address's or the typed account's. */
  by: 'address' | 'account';
  retryAfterSeconds: number;
}

/** Checks a password attempt; answers why it must wait, or undefined when it may go on. */
export type SigninThrottle = (request: FastifyRequest, account: string | undefined) => Promise<Throttled | undefined>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Throttles password attempts (POST /api/v3/signin and the hosted sign-in form). */
    signinThrottle: SigninThrottle;
  }
}

/**
 * Password attempts are throttled twice, before any hashing or database work: per client address
 * (whatever accounts it tries) and per account typed (whatever addresses it comes from, and
 * whether or not the account exists, so the limit tells nothing either). `@fastify/rate-limit`
 * counts in fixed windows, in Redis when REDIS_URL is set (every process shares the counts) and
 * in this process otherwise (each process counts on its own: N processes let N times as much
 * through). Its `createRateLimit` gives a counter without the plugin's one-limit-per-request
 * guard, so both limits apply to one request.
 */
export async function registerSigninThrottle(app: FastifyInstance, settings: ThrottleSettings, redis?: Redis): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: 'userpool:signin-limit:' } : {}),
  });
  const timeWindow = settings.windowSeconds * 1000;
  const byAddress = settings.perAddress > 0
    ? app.createRateLimit({ max: settings.perAddress, timeWindow, keyGenerator: (request) => `address:${request.ip}` })
    : undefined;
  const accountKeys = new WeakMap<FastifyRequest, string>();
  const byAccount = settings.perAccount > 0
    ? app.createRateLimit({ max: settings.perAccount, timeWindow, keyGenerator: (request) => `account:${accountKeys.get(request) ?? ''}` })
    : undefined;
  const throttle: SigninThrottle = async (request, account) => {
    if (byAddress) {
      const limit = await byAddress(request);
      if (!limit.isAllowed && limit.isExceeded) return { by: 'address', retryAfterSeconds: limit.ttlInSeconds };
    }
    const typed = account?.trim().toLowerCase();
    if (byAccount && typed) {
      accountKeys.set(request, typed);
      const limit = await byAccount(request);
      if (!limit.isAllowed && limit.isExceeded) return { by: 'account', retryAfterSeconds: limit.ttlInSeconds };
    }
    return undefined;
  };
  app.decorate('signinThrottle', throttle);
}

/** HTTP 429 with the envelope: the same answer whichever count ran out, and whether the account exists or not. */
export function throttledError(retryAfterSeconds: number): AppError {
  return new AppError(429, ApiCode.SIGNIN_THROTTLED, `too many sign-in attempts; try again in ${retryAfterSeconds} s`, 429, `登录尝试过于频繁，请 ${retryAfterSeconds} 秒后重试`);
}
