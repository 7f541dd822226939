import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fixedWindow } from './rate-limit.js';
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
 * whether or not the account exists, so the limit tells nothing either). Both counts apply to one
 * request; they live in the rate-limit store (rate-limit.ts), so in Redis when REDIS_URL is set.
 */
export function registerSigninThrottle(app: FastifyInstance, settings: ThrottleSettings): void {
  const byAddress = fixedWindow(app, settings.perAddress, settings.windowSeconds, (request) => `address:${request.ip}`);
  const accountKeys = new WeakMap<FastifyRequest, string>();
  const byAccount = fixedWindow(app, settings.perAccount, settings.windowSeconds, (request) => `account:${accountKeys.get(request) ?? ''}`);
  const throttle: SigninThrottle = async (request, account) => {
    const addressWait = await byAddress?.(request);
    if (addressWait !== undefined) return { by: 'address', retryAfterSeconds: addressWait };
    const typed = account?.trim().toLowerCase();
    if (byAccount && typed) {
      accountKeys.set(request, typed);
      const accountWait = await byAccount(request);
      if (accountWait !== undefined) return { by: 'account', retryAfterSeconds: accountWait };
    }
    return undefined;
  };
  app.decorate('signinThrottle', throttle);
}

/** HTTP 429 with the envelope: the same answer whichever count ran out, and whether the account exists or not. */
export function throttledError(retryAfterSeconds: number): AppError {
  return new AppError(429, ApiCode.SIGNIN_THROTTLED, `too many sign-in attempts; try again in ${retryAfterSeconds} s`, 429, `登录尝试过于频繁，请 ${retryAfterSeconds} 秒后重试`);
}
