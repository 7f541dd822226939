import { ApiCode, unauthorized, type AppError } from '../errors.js';
import * as applications from '../store/applications.js';
import type { Deps, Scope } from './context.js';
import { checkAccessToken, type TokenRefusal } from './tokens.js';

/**
 * The person behind a request to their own endpoints: the pool, user, session and application
 * of their access token. `scope.actor` is the user's id, so their own writes are audited with
 * them as the actor.
 */
export interface Me {
  scope: Scope;
  userId: string;
  sessionId: string;
  /** The application the token was issued to. */
  appId: string;
  /** The scopes the token carries. */
  tokenScope: string;
}

export interface EndUserCredentials {
  /** The authorization header: the access token as the SDK sends it, or `Bearer <token>`. */
  authorization?: string;
  /** x-authing-app-id, which the SDK sends on every request. */
  appIdHeader?: string;
  /** The pool the request's address names, when it names one. */
  poolId?: string;
  requestId: string;
}

const API_CODE_OF: Record<TokenRefusal, number> = {
  invalid: ApiCode.NOT_SIGNED_IN,
  expired: ApiCode.NOT_SIGNED_IN,
  session_gone: ApiCode.NOT_SIGNED_IN,
  session_ended: ApiCode.NOT_SIGNED_IN,
  status_changed: ApiCode.NOT_SIGNED_IN,
  user_resigned: ApiCode.USER_RESIGNED,
  user_inactive: ApiCode.USER_LOCKED,
  access_withdrawn: ApiCode.APP_ACCESS_DENIED,
};

const refuse = (message: string, apiCode: number = ApiCode.NOT_SIGNED_IN): AppError => unauthorized(message, apiCode);

/**
 * Checks the caller's access token exactly as introspection does (signature, expiry, session
 * alive, user status, application access) at every call; a token of one pool never reaches
 * another pool's application or address. Every refusal is a 401 that says which check failed.
 */
export async function authenticateEndUser(deps: Deps, creds: EndUserCredentials): Promise<Me> {
  const header = creds.authorization?.trim();
  if (!header) throw refuse("authorization: missing; send the user's access token (AuthenticationClient accessToken / setAccessToken)");
  const token = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '') : header;
  const check = await checkAccessToken(deps, token, creds.poolId);
  if (!check.ok) throw refuse(`authorization: ${check.message}`, API_CODE_OF[check.refusal]);
  const { claims } = check;
  if (creds.poolId !== undefined && creds.poolId !== claims.user_pool_id) {
    throw refuse(`authorization: the access token belongs to another user pool than "${creds.poolId}"`);
  }
  if (creds.appIdHeader) {
    const app = await applications.findApplicationByClientId(deps.db, creds.appIdHeader);
    if (!app || app.pool_id !== claims.user_pool_id) {
      throw refuse(`x-authing-app-id: "${creds.appIdHeader}" is not an application of the access token's user pool`);
    }
  }
  return {
    scope: { ...deps, poolId: claims.user_pool_id, actor: claims.sub, requestId: creds.requestId },
    userId: claims.sub,
    sessionId: claims.sid,
    appId: claims.aud,
    tokenScope: claims.scope,
  };
}
