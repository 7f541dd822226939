import { newId } from '../lib/ids.js';
import { ApiCode, AppError, badRequest, forbidden } from '../errors.js';
import * as history from '../store/login-history.js';
import * as tokens from '../store/tokens.js';
import * as users from '../store/users.js';
import type { UserRow } from '../store/users.js';
import type { ApplicationRow } from '../store/applications.js';
import type { Tx } from '../store/database.js';
import { nowIso } from '../store/values.js';
import type { LoginHistoryInput, SignInInput } from '../schemas/authentication.js';
import { verifyPassword } from './passwords.js';
import { mayUseApplication } from './application-access.js';
import { OAuthError, authenticateClient, newRefreshToken, presentsSecret, signTokens, type ClientCredentials, type TokenSet } from './tokens.js';
import { resolveUser } from './user-resolver.js';
import { findAccountHolders } from './user-identifiers.js';
import { activeLock, countWrongPassword } from './lockout.js';
import type { Deps, Scope } from './context.js';
import { enqueueEvent } from './outbox.js';

export interface SignInRequest extends SignInContext {
  body: SignInInput;
  credentials: ClientCredentials;
  /** The pool the address serves (only its applications sign in there) and its issuer. */
  address: { poolId: string; issuer: string };
}

const wrongCredentials = () => badRequest('account or password is wrong', ApiCode.WRONG_CREDENTIALS);

/**
 * The account a password payload names. `account` may be a username, an email or a phone: the
 * user holding it, or `ambiguous` when existing data gives it to two users (new writes cannot,
 * see user-identifiers.ts), which sign-in refuses rather than pick one. The explicit `username`,
 * `email` and `phone` fields each name one kind, tried in that order.
 */
async function findAccount(deps: Deps, poolId: string, payload: NonNullable<SignInInput['passwordPayload']>): Promise<UserRow | 'ambiguous' | undefined> {
  if (payload.account) {
    const holders = await findAccountHolders(deps.db, poolId, payload.account);
    return holders.length > 1 ? 'ambiguous' : holders[0];
  }
  const tries: Array<[users.UserKeyColumn, string | undefined]> = [['username', payload.username], ['email_key', payload.email?.toLowerCase()], ['phone', payload.phone]];
  for (const [column, value] of tries) {
    if (!value) continue;
    const [row] = await users.findManyBy(deps.db, poolId, column, [value]);
    if (row) return row;
  }
  return undefined;
}

function refusal(status: string): AppError {
  if (status === 'Resigned') return forbidden('this account has resigned; it can no longer sign in', ApiCode.USER_RESIGNED);
  return forbidden(`this account is ${status}; only Activated accounts can sign in`, ApiCode.USER_LOCKED);
}

/** Who signs in where, for the login history. */
export interface SignInContext {
  clientIp: string;
  userAgent?: string;
  /** The request that signs in, carried by the `login` event. */
  requestId?: string;
}

async function recordFailure(trx: Tx, app: ApplicationRow, user: UserRow, req: SignInContext, reason: string): Promise<void> {
  await history.insertLogin(trx, {
    id: newId(), pool_id: app.pool_id, user_id: user.id, app_id: app.id, client_ip: req.clientIp, user_agent: req.userAgent ?? null,
    success: 0, failure_reason: reason, created_at: nowIso(),
  });
}

export type AccountPayload = NonNullable<SignInInput['passwordPayload']>;

/**
 * The outcome of a password check. `wrong` covers unknown accounts, ambiguous ones and wrong
 * passwords on locked accounts too, so callers cannot tell any of them apart; `locked` is only
 * answered to someone who typed the right password.
 */
export type PasswordCheck =
  | { kind: 'ok'; user: UserRow }
  | { kind: 'wrong' }
  | { kind: 'locked'; until: string }
  | { kind: 'status'; status: string }
  | { kind: 'denied' };

/**
 * The rules of password sign-in, shared by `POST /api/v3/signin` and the hosted sign-in page:
 * unknown accounts verify a dummy hash and answer as a wrong password does; every wrong password
 * answers the same, including the one that locks and those on a locked account (see lockout.ts),
 * so a stranger learns neither who exists nor who is locked; the status is checked only once the
 * password is right; then the application's access rules. Every refusal of a known account is
 * written to its login history.
 */
export async function checkPassword(deps: Deps, app: ApplicationRow, payload: AccountPayload, req: SignInContext): Promise<PasswordCheck> {
  const observe = deps.observer;
  const found = await findAccount(deps, app.pool_id, payload);
  const user = found === 'ambiguous' ? undefined : found;
  // Verified even when the account turns out to be locked or ambiguous: every attempt costs the same.
  const ok = await verifyPassword(user?.password_hash, payload.password);
  if (!user) {
    observe?.signIn('wrong_credentials');
    return { kind: 'wrong' };
  }
  const lockedUntil = await activeLock(deps.db, app.pool_id, user.id, req.clientIp);
  if (lockedUntil) {
    // Not counted again: a lock-out is not prolonged by the guesses it stops.
    await deps.db.transaction().execute((trx) => recordFailure(trx, app, user, req, ok ? 'locked' : 'locked, wrong password'));
    observe?.signIn(ok ? 'locked' : 'wrong_credentials');
    return ok ? { kind: 'locked', until: lockedUntil } : { kind: 'wrong' };
  }
  if (!ok) {
    const lockedNow = await deps.db.transaction().execute(async (trx) => {
      await recordFailure(trx, app, user, req, 'wrong password');
      return countWrongPassword(trx, deps.policy, app.pool_id, user.id, req.clientIp);
    });
    if (lockedNow) observe?.lockOut();
    observe?.signIn('wrong_credentials');
    return { kind: 'wrong' };
  }
  if (user.status !== 'Activated') {
    await deps.db.transaction().execute((trx) => recordFailure(trx, app, user, req, `status ${user.status}`));
    observe?.signIn(user.status === 'Resigned' ? 'resigned' : 'not_activated');
    return { kind: 'status', status: user.status };
  }
  if (!(await mayUseApplication(deps.db, app, user.id))) {
    await deps.db.transaction().execute((trx) => recordFailure(trx, app, user, req, 'no access to this application'));
    observe?.signIn('access_denied');
    return { kind: 'denied' };
  }
  return { kind: 'ok', user };
}

/**
 * A successful sign-in, in the caller's transaction: failures forgotten, history and counters
 * written, and the `login` event announced. `via` says where the password was given.
 */
export async function recordSignIn(trx: Tx, app: ApplicationRow, user: UserRow, req: SignInContext, at: string, via: 'password' | 'hosted', sessionId: string): Promise<void> {
  await history.clearFailures(trx, app.pool_id, user.id, req.clientIp);
  await history.insertLogin(trx, {
    id: newId(), pool_id: app.pool_id, user_id: user.id, app_id: app.id, client_ip: req.clientIp, user_agent: req.userAgent ?? null,
    success: 1, failure_reason: null, created_at: at,
  });
  await users.updateUser(trx, app.pool_id, user.id, { logins_count: user.logins_count + 1, last_login: at, last_ip: req.clientIp });
  await enqueueEvent(trx, { poolId: app.pool_id, requestId: req.requestId ?? null }, 'login', {
    userId: user.id, appId: app.id, via, sessionId, loginAt: at, clientIp: req.clientIp, userAgent: req.userAgent ?? null,
  });
}

/** The management API's answer to a refused password check. */
function signInError(check: Exclude<PasswordCheck, { kind: 'ok' }>, app: ApplicationRow): AppError {
  switch (check.kind) {
    case 'wrong':
      return wrongCredentials();
    case 'locked':
      return forbidden(`too many wrong passwords: this account is locked until ${check.until}`, ApiCode.USER_LOCKED);
    case 'status':
      return refusal(check.status);
    case 'denied':
      return forbidden(`appId: the access rules of application "${app.id}" do not let this user sign in`, ApiCode.APP_ACCESS_DENIED);
  }
}

/** Password sign-in (`POST /api/v3/signin`, connection PASSWORD). */
export async function signIn(deps: Deps, req: SignInRequest): Promise<TokenSet> {
  let app: ApplicationRow;
  const credentials = { ...req.credentials, clientId: req.body.client_id ?? req.credentials.clientId, clientSecret: req.body.client_secret };
  try {
    app = await authenticateClient(deps, credentials, 'token_endpoint_auth_method', req.address.poolId);
  } catch (error) {
    if (error instanceof OAuthError) throw new AppError(401, ApiCode.INVALID_CLIENT, error.message, 401);
    throw error;
  }
  // options.clientIp lets a back end that signs people in on their behalf name their address.
  // Only a confidential client (it proved itself with its secret) is believed: from a public
  // client anyone could write any address into the login history.
  const claimedIp = req.body.options?.clientIp;
  if (claimedIp && presentsSecret(credentials)) req = { ...req, clientIp: claimedIp };
  if (req.body.connection !== 'PASSWORD') throw badRequest(`connection: ${req.body.connection} is not supported; use PASSWORD`, ApiCode.SIGNIN_UNSUPPORTED);
  const payload = req.body.passwordPayload;
  if (!payload) throw badRequest('passwordPayload: is required when connection is PASSWORD');
  if (!payload.account && !payload.email && !payload.username && !payload.phone) {
    throw badRequest('passwordPayload: give one of account, email, username or phone');
  }
  const scope = req.body.options?.scope?.trim() || 'openid profile';
  if (!scope.split(/\s+/).includes('openid')) throw badRequest('options.scope: must include openid');
  const normalizedScope = [...new Set(scope.split(/\s+/))].join(' ');

  const check = await checkPassword(deps, app, payload, req);
  if (check.kind !== 'ok') throw signInError(check, app);
  const { user } = check;

  const now = nowIso();
  const session: tokens.SessionRow = {
    id: newId(), pool_id: app.pool_id, user_id: user.id, app_id: app.id, scope: normalizedScope, created_at: now, revoked_at: null, revoked_reason: null,
    provider_session_id: null, auth_time: now, issuer: req.address.issuer,
  };
  const refresh = normalizedScope.split(' ').includes('offline_access') ? newRefreshToken(session, app) : undefined;
  await deps.db.transaction().execute(async (trx) => {
    await tokens.insertSession(trx, session);
    if (refresh) await tokens.insertRefreshToken(trx, refresh.row);
    await recordSignIn(trx, app, user, req, now, 'password', session.id);
  });
  deps.observer?.signIn('success');
  return signTokens(deps, req.address.issuer, app, user, session, { refreshToken: refresh?.value });
}

export async function getUserLoginHistory(scope: Scope, input: LoginHistoryInput) {
  const user = await resolveUser(scope.db, scope.poolId, input.userId, input.userIdType);
  const page = input.page ?? 1;
  const limit = input.limit ?? 10;
  const { rows, totalCount } = await history.listLogins(
    scope.db,
    scope.poolId,
    user.id,
    {
      appId: input.appId,
      clientIp: input.clientIp,
      start: input.start !== undefined ? new Date(input.start).toISOString() : undefined,
      end: input.end !== undefined ? new Date(input.end).toISOString() : undefined,
    },
    page,
    limit,
  );
  return {
    totalCount,
    list: rows.map((row) => ({
      appId: row.app_id,
      appName: row.app_name ?? '',
      appLogo: row.app_logo ?? '',
      appLoginUrl: row.init_login_uri ?? '',
      clientIp: row.client_ip,
      userAgent: row.user_agent ?? undefined,
      time: row.created_at,
      success: row.success === 1,
      failureReason: row.failure_reason ?? undefined,
    })),
  };
}
