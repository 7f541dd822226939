import * as store from '../store/retention.js';
import { pruneDelivered, pruneDispatchedEvents } from '../store/deliveries.js';
import * as codes from '../store/authorization-codes.js';
import * as providers from '../store/provider-sessions.js';
import { pruneNonces } from '../store/nonces.js';
import { MAX_TOKEN_SECONDS } from '../schemas/applications.js';
import type { Deps } from './context.js';

const DAY = 86_400_000;
/** Kept a day past the point they stop mattering, so an operator can still look at a recent incident. */
const GRACE = DAY;

export interface Pruned {
  refreshTokens: number;
  sessions: number;
  loginHistory: number;
  signinFailures: number;
  /** Delivered deliveries (with their attempt logs) past DELIVERY_RETENTION_DAYS. */
  deliveries: number;
  /** Outbox events dispatched past DELIVERY_RETENTION_DAYS whose deliveries all arrived. */
  events: number;
  /** Hosted sign-in: authorization codes a day past expiry, provider sessions a day past their end. */
  authorizationCodes: number;
  providerSessions: number;
  /** Signature nonces whose date window closed (kept in the database when there is no Redis). */
  signatureNonces: number;
}

/**
 * Removes what can no longer matter: refresh tokens past expiry, sessions no token can be alive
 * for, login history older than LOGIN_HISTORY_DAYS (0 keeps it), and wrong-password counters
 * of unlocked accounts after a quiet day. Used refresh tokens stay until they expire, since a
 * replay of one is how a stolen token is noticed. Delivered events and their delivery logs go
 * after DELIVERY_RETENTION_DAYS (0 keeps them); dead deliveries stay until sent again. Signature
 * nonces go as soon as their window closed. Audit logs are never pruned.
 * Safe to run from several processes at once: each statement deletes what is still there.
 */
export async function pruneExpired(deps: Deps, now = Date.now()): Promise<Pruned> {
  const at = (ms: number) => new Date(ms).toISOString();
  const sessions = await store.pruneSessions(deps.db, at(now), at(now - GRACE), at(now - MAX_TOKEN_SECONDS * 1000 - GRACE));
  const refreshTokens = await store.pruneRefreshTokens(deps.db, at(now - GRACE));
  const days = deps.policy.loginHistoryDays;
  const loginHistory = days > 0 ? await store.pruneLoginHistory(deps.db, at(now - days * DAY)) : 0;
  const signinFailures = await store.pruneSigninFailures(deps.db, at(now), at(now - DAY));
  const keep = deps.policy.deliveryRetentionDays;
  const deliveries = keep > 0 ? await pruneDelivered(deps.db, at(now - keep * DAY)) : 0;
  const events = keep > 0 ? await pruneDispatchedEvents(deps.db, at(now - keep * DAY)) : 0;
  const authorizationCodes = await codes.pruneCodes(deps.db, at(now - GRACE));
  const providerSessions = await providers.pruneProviderSessions(deps.db, at(now - GRACE));
  const signatureNonces = await pruneNonces(deps.db, at(now));
  return { refreshTokens, sessions, loginHistory, signinFailures, deliveries, events, authorizationCodes, providerSessions, signatureNonces };
}
