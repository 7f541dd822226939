import { randomBytes } from 'node:crypto';
import { newId } from '../lib/ids.js';
import * as store from '../store/provider-sessions.js';
import type { ProviderSessionRow } from '../store/provider-sessions.js';
import type { UserRow } from '../store/users.js';
import type { Db, Tx } from '../store/database.js';
import { nowIso } from '../store/values.js';
import { hashToken } from './tokens.js';
import type { Deps } from './context.js';

/**
 * The provider's own session with a browser: what lets a person who signed in to one application
 * of the pool skip the form for the next. The cookie carries 32 random bytes; the database keeps
 * only their hash, so a copy of the database signs nobody in.
 */
export interface LiveProviderSession {
  session: ProviderSessionRow;
  user: UserRow;
}

/**
 * Alive means: not ended, not expired, its user Activated and unchanged in status since it began
 * (a person suspended and re-activated signs in again). Checked at every use, from the database.
 */
export function providerSessionIsLive(session: ProviderSessionRow, user: Pick<UserRow, 'status' | 'status_changed_at'>, now = nowIso()): boolean {
  if (session.revoked_at || session.expires_at <= now) return false;
  if (user.status !== 'Activated') return false;
  return !user.status_changed_at || user.status_changed_at <= session.created_at;
}

/** The live session a cookie value names in this pool (in any pool, when undefined), if any. */
export async function findLiveProviderSession(db: Db | Tx, poolId: string | undefined, cookieValue: string | undefined): Promise<LiveProviderSession | undefined> {
  if (!cookieValue || cookieValue.length > 128) return undefined;
  const found = await store.findProviderSessionByHash(db, hashToken(cookieValue));
  if (!found || (poolId !== undefined && found.session.pool_id !== poolId)) return undefined;
  return providerSessionIsLive(found.session, found.user) ? found : undefined;
}

/** A new session for a person who just typed their password; the caller stores the row. */
export function newProviderSession(deps: Deps, poolId: string, userId: string, at: string): { value: string; row: ProviderSessionRow } {
  const value = randomBytes(32).toString('base64url');
  return {
    value,
    row: {
      id: newId(),
      pool_id: poolId,
      user_id: userId,
      token_hash: hashToken(value),
      auth_time: at,
      created_at: at,
      expires_at: new Date(Date.parse(at) + deps.policy.hostedSessionSeconds * 1000).toISOString(),
      revoked_at: null,
      revoked_reason: null,
    },
  };
}
