import type { Tx } from '../store/database.js';
import { enqueueDelivery } from './deliveries.js';

/** Tries in all: with the engine's 5 s first retry, about two and a half minutes of them. */
export const LOGOUT_MAX_ATTEMPTS = 6;

/**
 * Queues a logout token on the durable delivery engine (services/deliveries.ts), in the
 * transaction that ended the session: it is sent if and only if the session really ended, by the
 * delivery worker of any server process, without following redirects, retried with exponential
 * backoff and jitter while the token is still valid.
 */
export async function queueLogoutToken(trx: Tx, input: { poolId: string; appId: string; url: string; token: string }): Promise<void> {
  await enqueueDelivery(trx, {
    poolId: input.poolId,
    kind: 'backchannel-logout',
    eventType: `backchannel-logout ${input.appId}`,
    url: input.url,
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({ logout_token: input.token }).toString(),
    maxAttempts: LOGOUT_MAX_ATTEMPTS,
  });
}
