import { newId } from '../lib/ids.js';
import { safeEqual } from '../lib/secrets.js';
import type { ApplicationRow } from '../store/applications.js';
import * as codes from '../store/authorization-codes.js';
import * as providerStore from '../store/provider-sessions.js';
import * as tokens from '../store/tokens.js';
import * as users from '../store/users.js';
import { nowIso } from '../store/values.js';
import { mayUseApplication } from './application-access.js';
import { pkceMatches, pkceVerifierIsWellFormed } from './authorize-request.js';
import type { Deps } from './context.js';
import { providerSessionIsLive } from './provider-sessions.js';
import { endSession } from './session-endings.js';
import { OAuthError, hashToken, newRefreshToken, signTokens, type TokenSet } from './tokens.js';

const invalidGrant = (why: string) => new OAuthError(400, 'invalid_grant', `code: ${why}`);

/**
 * The authorization_code grant. A code works once, within a minute, for the client and
 * redirect_uri it was issued to, with the PKCE verifier of its challenge; a code that comes back
 * after use ends the session issued from it (RFC 6749 4.1.2), since someone else holds a copy.
 * The provider session it came from, its user's status and the access rules are checked again.
 */
export async function exchangeCode(
  deps: Deps, issuer: string, app: ApplicationRow, input: { code?: string; redirect_uri?: string; code_verifier?: string },
): Promise<TokenSet> {
  if (!input.code) throw new OAuthError(400, 'invalid_request', 'code: is required');
  const row = await codes.findCodeByHash(deps.db, hashToken(input.code));
  if (!row || row.app_id !== app.id || row.pool_id !== app.pool_id) throw invalidGrant('invalid, expired or issued to another client');
  if (row.used_at) {
    if (row.session_id) await endSession(deps, row.pool_id, row.session_id, 'authorization code replayed');
    throw invalidGrant('already used; the tokens issued from it are revoked');
  }
  if (row.expires_at <= nowIso()) throw invalidGrant('invalid, expired or issued to another client');
  if (input.redirect_uri === undefined || !safeEqual(input.redirect_uri, row.redirect_uri)) throw invalidGrant('redirect_uri does not match the one of the authorization request');
  if (row.code_challenge) {
    if (!input.code_verifier) throw invalidGrant('code_verifier is required (the authorization request sent a code_challenge)');
    if (!pkceMatches(input.code_verifier, row.code_challenge)) throw invalidGrant('code_verifier does not match the code_challenge');
  } else if (input.code_verifier !== undefined) {
    // A verifier for a code issued without a challenge: a downgrade attempt or a confused client.
    throw invalidGrant(pkceVerifierIsWellFormed(input.code_verifier) ? 'code_verifier was sent but the authorization request had no code_challenge' : 'code_verifier is malformed');
  }
  const providerSession = await providerStore.findProviderSession(deps.db, row.pool_id, row.provider_session_id);
  const user = await users.findById(deps.db, row.pool_id, row.user_id);
  if (!providerSession || !user || !providerSessionIsLive(providerSession, user)) throw invalidGrant('the sign-in it came from has ended');
  if (!(await mayUseApplication(deps.db, app, user.id))) throw invalidGrant('the access rules of this application no longer let this account sign in');

  const now = nowIso();
  const session: tokens.SessionRow = {
    id: newId(), pool_id: row.pool_id, user_id: user.id, app_id: app.id, scope: row.scope, created_at: now, revoked_at: null, revoked_reason: null,
    provider_session_id: row.provider_session_id, auth_time: row.auth_time, issuer,
  };
  const refreshToken = row.scope.split(' ').includes('offline_access') ? newRefreshToken(session, app) : undefined;
  const claimed = await deps.db.transaction().execute(async (trx) => {
    if (!(await codes.claimCode(trx, row.id, now, session.id))) return false;
    await tokens.insertSession(trx, session);
    if (refreshToken) await tokens.insertRefreshToken(trx, refreshToken.row);
    return true;
  });
  if (!claimed) {
    // Another request exchanged it a moment ago: that one is the replay's victim too.
    const again = await codes.findCodeByHash(deps.db, row.code_hash);
    if (again?.session_id) await endSession(deps, row.pool_id, again.session_id, 'authorization code replayed');
    throw invalidGrant('already used; the tokens issued from it are revoked');
  }
  return signTokens(deps, issuer, app, user, session, { refreshToken: refreshToken?.value, nonce: row.nonce });
}
