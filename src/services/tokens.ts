import { SignJWT, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../lib/ids.js';
import { cachedDecrypter, safeEqual } from '../lib/secrets.js';
import * as applications from '../store/applications.js';
import type { ApplicationRow } from '../store/applications.js';
import * as tokens from '../store/tokens.js';
import type { UserRow } from '../store/users.js';
import { nowIso } from '../store/values.js';
import { oidcSettings } from './applications.js';
import { mayUseApplication } from './application-access.js';
import type { Deps } from './context.js';
import { sessionAccess, sessionIsLive, sessionMayBeUsed } from './sessions.js';
import { endSession } from './session-endings.js';
import { VerifiedTokens } from './verified-tokens.js';
import { SIGNING_ALG, currentSigningKey, verificationKey } from './signing-keys.js';

/** An OAuth error answered as `{ error, error_description }` by the /oidc endpoints. */
export class OAuthError extends Error {
  constructor(readonly httpStatus: number, readonly error: string, description: string) {
    super(description);
  }
}

export interface ClientCredentials {
  /** The Authorization header, used when it is `Basic ...` (client_secret_basic). */
  authorization?: string;
  clientId?: string;
  clientSecret?: string;
  /** x-authing-app-id, which the SDK sends on every request. */
  appIdHeader?: string;
}

type Endpoint = 'token_endpoint_auth_method' | 'introspection_endpoint_auth_method' | 'revocation_endpoint_auth_method';

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unescape = (v: string) => {
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

const decryptAppSecret = cachedDecrypter();

/**
 * Whether the request carries a client secret (client_secret_basic or client_secret_post). Once
 * authenticateClient accepted it, the caller is a confidential client that proved who it is.
 */
export function presentsSecret(creds: ClientCredentials): boolean {
  return (parseBasic(creds.authorization)?.secret ?? creds.clientSecret) !== undefined;
}

/**
 * client_secret_basic, client_secret_post, or no secret when the application allows `none` for
 * this endpoint. Unknown client and wrong secret give the same answer. With `poolId` (the pool
 * the address serves), an application of another pool is unknown here, whatever its secret.
 */
export async function authenticateClient(deps: Deps, creds: ClientCredentials, endpoint: Endpoint, poolId?: string): Promise<ApplicationRow> {
  const clientId = clientIdOf(creds);
  if (!clientId) throw new OAuthError(401, 'invalid_client', 'client authentication failed: no client_id (x-authing-app-id, client_id or Basic authorization)');
  return checkClient(deps, creds, endpoint, poolId, clientId, await applications.findApplicationByClientId(deps.db, clientId));
}

/** The client check of authenticateClient against an application the caller already read (with a session). */
function authenticateKnownClient<T extends tokens.ClientRow>(deps: Deps, creds: ClientCredentials, endpoint: Endpoint, poolId: string | undefined, known: T): T {
  return checkClient(deps, creds, endpoint, poolId, known.id, known);
}

function checkClient<T extends tokens.ClientRow>(deps: Deps, creds: ClientCredentials, endpoint: Endpoint, poolId: string | undefined, clientId: string, found: T | undefined): T {
  const secret = parseBasic(creds.authorization)?.secret ?? creds.clientSecret;
  const app = found && (poolId === undefined || found.pool_id === poolId) ? found : undefined;
  if (app && secret === undefined && oidcSettings(app)[endpoint] === 'none') return app;
  const expected = app ? decryptAppSecret(deps.masterKey, app.secret_enc) : 'no-such-application-secret';
  if (!app || secret === undefined || !safeEqual(secret, expected)) {
    throw new OAuthError(401, 'invalid_client', `client authentication failed: unknown application or wrong secret for client_id "${clientId}" (an application of another user pool is unknown at this address: use its pool's own, /pools/<poolId>)`);
  }
  return app;
}

/** The client_id the request names: Basic authorization, then the form's client_id, then x-authing-app-id. */
function clientIdOf(creds: ClientCredentials): string | undefined {
  return parseBasic(creds.authorization)?.id ?? creds.clientId ?? creds.appIdHeader;
}

/** Refresh tokens are opaque base64url without dots; access tokens are JWTs. */
const isJwt = (token: string) => token.split('.').length === 3;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TokenSet {
  scope: string;
  access_token: string;
  id_token: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
  /** The SDK's LoginTokenResponseDataDto names it so; OAuth clients read expires_in. */
  expire_in: number;
}

const secondsNow = () => Math.floor(Date.now() / 1000);

/** OIDC standard claims the granted scopes allow (id token and userinfo). */
export function userClaims(user: tokens.ClaimsUser, scope: string): Record<string, unknown> {
  const scopes = new Set(scope.split(' '));
  const claims: Record<string, unknown> = { sub: user.id };
  const put = (name: string, value: unknown) => {
    if (value !== null && value !== undefined) claims[name] = value;
  };
  if (scopes.has('profile')) {
    put('name', user.name);
    put('nickname', user.nickname);
    put('given_name', user.given_name);
    put('family_name', user.family_name);
    put('middle_name', user.middle_name);
    put('preferred_username', user.preferred_username);
    put('picture', user.photo);
    put('profile', user.profile);
    put('website', user.website);
    put('gender', user.gender);
    put('birthdate', user.birthdate);
    put('zoneinfo', user.zoneinfo);
    put('locale', user.locale);
    put('updated_at', Math.floor(Date.parse(user.updated_at) / 1000));
  }
  if (scopes.has('username')) put('username', user.username);
  if (scopes.has('email')) {
    put('email', user.email);
    claims.email_verified = user.email_verified === 1;
  }
  if (scopes.has('phone')) {
    put('phone_number', user.phone);
    claims.phone_number_verified = user.phone_verified === 1;
  }
  if (scopes.has('external_id')) put('external_id', user.external_id);
  return claims;
}

/** A new opaque refresh token: the caller stores the row in its transaction, returns the value. */
export function newRefreshToken(session: { id: string; pool_id: string; user_id: string }, app: ApplicationRow) {
  const value = randomBytes(32).toString('base64url');
  const row: tokens.RefreshTokenRow = {
    id: newId(),
    pool_id: session.pool_id,
    session_id: session.id,
    user_id: session.user_id,
    token_hash: hashToken(value),
    expires_at: new Date(Date.now() + oidcSettings(app).refresh_token_expire * 1000).toISOString(),
    used_at: null,
    created_at: nowIso(),
  };
  return { value, row };
}

/** OIDC Core 3.1.3.6: base64url of the left half of the SHA-256 of the access token (RS256). */
export const atHash = (accessToken: string) => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

export type TokenSession = Pick<tokens.SessionRow, 'id' | 'scope' | 'created_at' | 'provider_session_id' | 'auth_time'>;

/**
 * Signs the access and id tokens of a session; no database writes, so it runs after the commit.
 * The access token's `sid` is the application session (every check looks it up); the ID token's
 * `sid` is the provider session when the sign-in came through the hosted page, the one a
 * back-channel logout token will name, and the application session otherwise.
 */
export async function signTokens(
  deps: Deps, issuer: string, app: ApplicationRow, user: UserRow, session: TokenSession, options: { refreshToken?: string; nonce?: string | null } = {},
): Promise<TokenSet> {
  const { kid, key } = await currentSigningKey(deps, app.pool_id);
  const settings = oidcSettings(app);
  const iat = secondsNow();
  const scope = session.scope;
  const accessToken = await new SignJWT({ scope, sid: session.id, user_pool_id: app.pool_id })
    .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(user.id)
    .setAudience(app.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.access_token_expire)
    .setJti(newId())
    .sign(key);
  const authTime = Math.floor(Date.parse(session.auth_time ?? session.created_at) / 1000);
  const idToken = await new SignJWT({
    ...userClaims(user, scope),
    sid: session.provider_session_id ?? session.id,
    auth_time: authTime,
    at_hash: atHash(accessToken),
    ...(options.nonce ? { nonce: options.nonce } : {}),
  })
    .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(user.id)
    .setAudience(app.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.id_token_expire)
    .sign(key);
  return {
    scope,
    access_token: accessToken,
    id_token: idToken,
    ...(options.refreshToken ? { refresh_token: options.refreshToken } : {}),
    token_type: 'Bearer',
    expires_in: settings.access_token_expire,
    expire_in: settings.access_token_expire,
  };
}

export interface AccessClaims extends JWTPayload {
  sub: string;
  aud: string;
  sid: string;
  /** `client_credentials` on tokens issued to an application itself (no user, no session). */
  gty?: string;
  scope: string;
  user_pool_id: string;
}

// One per database handle, as the signing-key cache: several servers in one process keep their own.
const verified = new WeakMap<Deps['db'], VerifiedTokens>();
function verifiedTokens(deps: Deps): VerifiedTokens {
  let cache = verified.get(deps.db);
  if (!cache) verified.set(deps.db, (cache = new VerifiedTokens()));
  return cache;
}

/** Why an access token is refused: each check introspection makes, named for the caller. */
export type TokenRefusal = 'invalid' | 'expired' | 'session_gone' | 'session_ended' | 'user_resigned' | 'user_inactive' | 'status_changed' | 'access_withdrawn';

/** `user` is the token's user as the check read it, in the same query as the session. */
export type AccessTokenCheck =
  | { ok: true; claims: AccessClaims; user?: tokens.ClaimsUser; client?: tokens.ClientRow }
  | { ok: false; refusal: TokenRefusal; message: string };

const refused = (refusal: TokenRefusal, message: string): AccessTokenCheck => ({ ok: false, refusal, message });

/** The pool a token says it is of, before its signature is checked: whose keys to check it with. */
function claimedPool(token: string): string | undefined {
  try {
    const pool = decodeJwt(token).user_pool_id;
    return typeof pool === 'string' ? pool : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies a token with the keys of the pool it names: only that pool's key can have signed it. */
async function verifyPoolToken(deps: Deps, token: string): Promise<JWTPayload> {
  const poolId = claimedPool(token);
  if (!poolId) throw new Error('no user_pool_id');
  const { payload } = await jwtVerify(token, async (header) => {
    const key = await verificationKey(deps, poolId, header.kid);
    if (!key) throw new Error('unknown kid');
    return key;
  }, { algorithms: [SIGNING_ALG], typ: 'at+jwt' });
  return payload;
}

/**
 * The one access-token check: signature (by the keys of the token's own pool) and expiry, then
 * the session read from the database (revoked or not, the user's status and its last change,
 * the application's access rules). Introspection, userinfo and the end user's own endpoints all
 * call it, so a token one of them refuses is refused by all; the refusal says which check failed.
 * With `poolId` (the pool an address serves), a token of another pool is refused.
 */
export async function checkAccessToken(deps: Deps, token: string, poolId?: string, options: { user?: boolean } = {}): Promise<AccessTokenCheck> {
  // A signature verified once is remembered (expiry still checked); the session never is.
  let payload = verifiedTokens(deps).get(token);
  if (!payload) {
    try {
      payload = await verifyPoolToken(deps, token);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_JWT_EXPIRED') return refused('expired', 'the access token has expired; sign in again or refresh it');
      return refused('invalid', 'the access token is malformed or its signature does not verify');
    }
    verifiedTokens(deps).remember(token, payload);
  }
  const claims = payload as AccessClaims;
  if (typeof claims.sid !== 'string' || typeof claims.user_pool_id !== 'string' || typeof claims.sub !== 'string') {
    return refused('invalid', 'the access token is not a user access token of this server');
  }
  if (poolId !== undefined && claims.user_pool_id !== poolId) {
    return refused('invalid', 'the access token was issued by another user pool; use that pool\'s own address (/pools/<poolId>)');
  }
  // A session accepted a moment ago is answered from the cache, which every committed write that
  // could change the answer empties first, in every process (session-state-cache.ts).
  const cache = deps.sessionStates;
  const key = `${claims.user_pool_id}\u0000${claims.sid}\u0000${options.user ? 1 : 0}`;
  const cached = cache?.lookup(key);
  if (cached && 'hit' in cached) return { ok: true, claims, user: cached.hit.user, client: cached.hit.client };
  const state = await tokens.findSessionState(deps.db, claims.user_pool_id, claims.sid, { claims: options.user });
  if (!state) return refused('session_gone', 'the session of this access token no longer exists (its user was deleted)');
  if (state.user.status === 'Resigned') return refused('user_resigned', 'the user of this access token has resigned');
  if (state.user.status !== 'Activated') return refused('user_inactive', `the user of this access token is ${state.user.status}`);
  if (state.session.revoked_at) return refused('session_ended', 'the session of this access token was ended (signed out, kicked or revoked)');
  if (!sessionIsLive(state)) return refused('status_changed', "the user's status changed after this sign-in; sign in again");
  const access = await sessionAccess(deps.db, state);
  if (!access.allowed) return refused('access_withdrawn', "the application's access rules no longer let this user use it");
  if (cached) cache!.remember(key, cached.stamp, { user: state.claims, client: state.client }, access.until);
  return { ok: true, claims, user: state.claims, client: state.client };
}

/** The claims of an access token that verifies and whose session is live; undefined otherwise. */
export async function liveAccessToken(deps: Deps, token: string, poolId?: string): Promise<AccessClaims | undefined> {
  const check = await checkAccessToken(deps, token, poolId);
  return check.ok ? check.claims : undefined;
}

/**
 * A client_credentials token (an application's own, no user and no session): alive while its
 * application exists in the pool. Only introspection accepts it; user endpoints never do.
 */
async function liveClientToken(deps: Deps, token: string): Promise<AccessClaims | undefined> {
  try {
    const claims = (await verifyPoolToken(deps, token)) as AccessClaims;
    if (claims.gty !== 'client_credentials' || claims.sid !== undefined || typeof claims.user_pool_id !== 'string') return undefined;
    const app = await applications.findApplicationByClientId(deps.db, claims.aud);
    return app && app.pool_id === claims.user_pool_id ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** refresh_token grant with rotation: each refresh token works once; a replay ends the session. */
export async function refresh(deps: Deps, issuer: string, app: ApplicationRow, refreshToken: string | undefined): Promise<TokenSet> {
  if (!refreshToken) throw new OAuthError(400, 'invalid_request', 'refresh_token: is required');
  const found = await tokens.findRefreshContext(deps.db, hashToken(refreshToken));
  const invalid = () => new OAuthError(400, 'invalid_grant', 'refresh_token: invalid, expired, revoked or already used');
  if (!found || found.token.pool_id !== app.pool_id) throw invalid();
  const { token: row, state, user, appHasAccessRules } = found;
  if (state.session.pool_id !== row.pool_id || state.session.app_id !== app.id) throw invalid();
  if (!sessionIsLive(state) || row.expires_at <= nowIso()) throw invalid();
  if (!(await mayUseApplication(deps.db, app, user.id, appHasAccessRules))) {
    // Access to the application was withdrawn since the sign-in: the session ends here.
    await endSession(deps, row.pool_id, row.session_id, 'application access withdrawn');
    throw invalid();
  }
  const next = newRefreshToken(state.session, app);
  if (!(await tokens.rotateRefreshToken(deps.db, deps.dialect, row.id, nowIso(), next.row))) {
    // A used refresh token came back: someone holds a copy, so the whole session ends.
    await endSession(deps, row.pool_id, row.session_id, 'refresh token replayed');
    throw invalid();
  }
  return signTokens(deps, issuer, app, user, state.session, { refreshToken: next.value });
}

/** RFC 7662, at the address of `poolId`. Tokens of another user pool than the asking application's are inactive to it. */
export async function introspect(deps: Deps, poolId: string, creds: ClientCredentials, token: string | undefined): Promise<Record<string, unknown>> {
  if (!token) {
    await authenticateClient(deps, creds, 'introspection_endpoint_auth_method', poolId);
    return { active: false };
  }
  // An application introspecting its own access token, one whose signature this process already
  // verified: the token check reads the application with the session, in one query, and the
  // client is authenticated against that row. On PostgreSQL each query is a round trip, and the
  // client lookup before the check was half of an introspection's time. Any other request
  // authenticates the client first, so that strangers cannot make the server verify signatures.
  const seen = isJwt(token) ? verifiedTokens(deps).get(token) : undefined;
  let app: Pick<ApplicationRow, 'id' | 'pool_id'>;
  let access: AccessTokenCheck | undefined;
  if (seen && seen.aud === clientIdOf(creds)) {
    access = await checkAccessToken(deps, token);
    const known = access.ok ? access.client : undefined;
    app = known && known.id === seen.aud
      ? authenticateKnownClient(deps, creds, 'introspection_endpoint_auth_method', poolId, known)
      : await authenticateClient(deps, creds, 'introspection_endpoint_auth_method', poolId);
  } else {
    app = await authenticateClient(deps, creds, 'introspection_endpoint_auth_method', poolId);
    access = isJwt(token) ? await checkAccessToken(deps, token) : undefined;
  }
  const row = isJwt(token) ? undefined : await tokens.findRefreshToken(deps.db, hashToken(token));
  if (row) {
    if (row.pool_id !== app.pool_id || row.used_at || row.expires_at <= nowIso()) return { active: false };
    const state = await tokens.findSessionState(deps.db, row.pool_id, row.session_id);
    // A refresh token is a secret between its client and the server: another client, even of
    // the same pool, learns nothing about it (not even that it is alive).
    if (!state || state.session.app_id !== app.id || !(await sessionMayBeUsed(deps.db, state))) return { active: false };
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: state.session.app_id,
      sub: row.user_id,
      scope: state.session.scope,
      iat: Math.floor(Date.parse(row.created_at) / 1000),
      exp: Math.floor(Date.parse(row.expires_at) / 1000),
    };
  }
  const claims = (access?.ok ? access.claims : undefined) ?? (await liveClientToken(deps, token));
  if (!claims || claims.user_pool_id !== app.pool_id) return { active: false };
  return {
    active: true,
    token_type: 'Bearer',
    client_id: claims.aud,
    sub: claims.sub,
    scope: claims.scope,
    iss: claims.iss,
    aud: claims.aud,
    iat: claims.iat,
    exp: claims.exp,
    jti: claims.jti,
    sid: claims.sid,
  };
}

/**
 * RFC 7009. Revoking either token ends the whole grant (the session), as the RFC allows: the
 * refresh token and every access token issued from it. Tokens of other applications, unknown
 * or already dead tokens change nothing and still answer 200.
 */
export async function revoke(deps: Deps, poolId: string, creds: ClientCredentials, token: string | undefined): Promise<void> {
  const app = await authenticateClient(deps, creds, 'revocation_endpoint_auth_method', poolId);
  if (!token) throw new OAuthError(400, 'invalid_request', 'token: is required');
  const row = isJwt(token) ? undefined : await tokens.findRefreshToken(deps.db, hashToken(token));
  let sessionId = row?.pool_id === app.pool_id ? row.session_id : undefined;
  if (!row) {
    const claims = await liveAccessToken(deps, token);
    if (claims && claims.user_pool_id === app.pool_id && claims.aud === app.id) sessionId = claims.sid;
  }
  if (!sessionId) return;
  const state = await tokens.findSessionState(deps.db, app.pool_id, sessionId);
  if (state?.session.app_id !== app.id) return;
  await endSession(deps, app.pool_id, sessionId, `revoked by client ${app.id}`);
}

/** OIDC userinfo at the address of `poolId`: the claims the access token's scopes allow, while its session is live. */
export async function userInfo(deps: Deps, poolId: string, token: string | undefined): Promise<Record<string, unknown>> {
  const check = token ? await checkAccessToken(deps, token, poolId, { user: true }) : undefined;
  if (!check?.ok || check.user?.id !== check.claims.sub) throw new OAuthError(401, 'invalid_token', 'access token is invalid, expired or revoked');
  // The user row came with the session in one query: the check and the claims read the same state.
  return userClaims(check.user, check.claims.scope);
}
