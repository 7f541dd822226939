import { randomBytes } from 'node:crypto';
import { newId } from '../lib/ids.js';
import type { ApplicationRow } from '../store/applications.js';
import * as applications from '../store/applications.js';
import * as codes from '../store/authorization-codes.js';
import * as providerStore from '../store/provider-sessions.js';
import type { Tx } from '../store/database.js';
import type { UserRow } from '../store/users.js';
import { nowIso } from '../store/values.js';
import { mayUseApplication } from './application-access.js';
import { checkPassword, recordSignIn, type SignInContext } from './authentication.js';
import {
  AuthorizePageError, AuthorizeRedirectError, checkAuthorizeParams, openForm, resolveClient, sealForm,
  type AuthRequest, type RawAuthorizeParams, type ResponseMode,
} from './authorize-request.js';
import { grantConsent, missingConsent } from './consents.js';
import type { Deps } from './context.js';
import { findLiveProviderSession, newProviderSession, type LiveProviderSession } from './provider-sessions.js';
import { endProviderSessions } from './session-endings.js';
import { hashToken } from './tokens.js';

/** How long an authorization code can be exchanged. */
export const CODE_SECONDS = 60;

/** Who asks, as the routes see it. */
export interface HostedContext extends SignInContext {
  /** The issuer of this pool's tokens (the `iss` parameter of answers, RFC 9207). */
  issuer: string;
  /** The pool the address serves: only its applications are accepted there. */
  poolId: string;
  /** The provider session cookie, as sent. */
  sessionCookie?: string;
  /** The browser's own random cookie that forms are bound to. */
  browser: string;
}

export interface AppSummary {
  name: string;
  logo: string;
}

export type LoginError = 'wrong' | 'locked' | 'inactive' | 'resigned' | 'expired' | 'missing';

/** What the route shows or sends; the provider session cookie to set or clear rides along. */
export type HostedOutcome = (
  | { kind: 'error'; error: string; description: string }
  | { kind: 'respond'; redirectUri: string; mode: ResponseMode; params: Record<string, string> }
  | { kind: 'login'; app: AppSummary; form: string; scopes: string[]; redirectUri: string; account?: string; error?: LoginError }
  | { kind: 'consent'; app: AppSummary; form: string; scopes: string[]; redirectUri: string; who: string }
) & { cookie?: { value: string; maxAge: number } };

const summary = (app: ApplicationRow): AppSummary => ({ name: app.app_name, logo: app.app_logo });

function respond(request: Pick<AuthRequest, 'redirectUri' | 'responseMode' | 'state'>, issuer: string, params: Record<string, string>): HostedOutcome {
  const all = { ...params, ...(request.state !== undefined ? { state: request.state } : {}), iss: issuer };
  return { kind: 'respond', redirectUri: request.redirectUri, mode: request.responseMode, params: all };
}

const oauthError = (request: AuthRequest, issuer: string, error: string, description: string) =>
  respond(request, issuer, { error, error_description: description });

const loginPage = (deps: Deps, ctx: HostedContext, app: ApplicationRow, request: AuthRequest, extra: { account?: string; error?: LoginError } = {}): HostedOutcome => ({
  kind: 'login',
  app: summary(app),
  form: sealForm(deps, { request }, ctx.browser),
  scopes: request.scope.split(' '),
  redirectUri: request.redirectUri,
  account: extra.account ?? request.loginHint,
  error: extra.error,
});

/** Issues a one-minute, one-use code for the request, in the caller's transaction. */
async function issueCode(trx: Tx, request: AuthRequest, session: { id: string; auth_time: string }, userId: string): Promise<string> {
  const value = randomBytes(32).toString('base64url');
  const now = nowIso();
  await codes.insertCode(trx, {
    id: newId(),
    pool_id: request.poolId,
    app_id: request.clientId,
    user_id: userId,
    provider_session_id: session.id,
    code_hash: hashToken(value),
    redirect_uri: request.redirectUri,
    scope: request.scope,
    nonce: request.nonce ?? null,
    code_challenge: request.codeChallenge ?? null,
    auth_time: session.auth_time,
    expires_at: new Date(Date.parse(now) + CODE_SECONDS * 1000).toISOString(),
    used_at: null,
    session_id: null,
    created_at: now,
  });
  return value;
}

/** With a live provider session: a code, the consent page, or the OAuth error the request asked for. */
async function continueWithSession(deps: Deps, ctx: HostedContext, app: ApplicationRow, request: AuthRequest, live: LiveProviderSession): Promise<HostedOutcome> {
  if (!(await mayUseApplication(deps.db, app, live.user.id))) {
    return oauthError(request, ctx.issuer, 'access_denied', 'the access rules of this application do not let this account sign in');
  }
  const missing = await missingConsent(deps.db, app.pool_id, live.user.id, app.id, request.scope);
  if (missing.length > 0 || request.prompt.includes('consent')) {
    if (request.prompt.includes('none')) return oauthError(request, ctx.issuer, 'consent_required', `the account has not granted ${missing.join(' ')} to this application`);
    return {
      kind: 'consent',
      app: summary(app),
      form: sealForm(deps, { request, providerSessionId: live.session.id }, ctx.browser),
      scopes: request.scope.split(' '),
      redirectUri: request.redirectUri,
      who: live.user.email ?? live.user.username ?? live.user.phone ?? live.user.id,
    };
  }
  const code = await deps.db.transaction().execute((trx) => issueCode(trx, request, live.session, live.user.id));
  return respond(request, ctx.issuer, { code });
}

/**
 * `/oidc/auth`: checks the client and redirect_uri (errors on a page), then the request (errors
 * to the client), then answers from the provider session when one is alive and nothing forces
 * the form: `prompt=login`, or a `max_age` shorter than the time since the password was typed.
 */
export async function authorize(deps: Deps, ctx: HostedContext, raw: RawAuthorizeParams): Promise<HostedOutcome> {
  let app: ApplicationRow;
  let redirectUri: string;
  try {
    ({ app, redirectUri } = await resolveClient(deps, raw, ctx.poolId, ctx.issuer));
  } catch (error) {
    if (error instanceof AuthorizePageError) return { kind: 'error', error: error.error, description: error.message };
    throw error;
  }
  let request: AuthRequest;
  try {
    request = checkAuthorizeParams(app, redirectUri, raw);
  } catch (error) {
    if (!(error instanceof AuthorizeRedirectError)) throw error;
    const mode = raw.response_mode === 'form_post' ? 'form_post' : 'query';
    return respond({ redirectUri, responseMode: mode, state: raw.state }, ctx.issuer, { error: error.error, error_description: error.message });
  }
  const live = await findLiveProviderSession(deps.db, app.pool_id, ctx.sessionCookie);
  const tooOld = live && request.maxAge !== undefined && Date.now() - Date.parse(live.session.auth_time) > request.maxAge * 1000;
  if (live && !tooOld && !request.prompt.includes('login')) return continueWithSession(deps, ctx, app, request, live);
  if (request.prompt.includes('none')) return oauthError(request, ctx.issuer, 'login_required', 'no live sign-in session for this browser');
  return loginPage(deps, ctx, app, request);
}

/** The client of a sealed form, still there, still in the request's pool, and that pool the address's. */
async function formClient(deps: Deps, ctx: HostedContext, request: AuthRequest): Promise<ApplicationRow | undefined> {
  if (request.poolId !== ctx.poolId) return undefined;
  const app = await applications.findApplicationByClientId(deps.db, request.clientId);
  return app && app.pool_id === request.poolId ? app : undefined;
}

const expiredForm = (): HostedOutcome => ({
  kind: 'error', error: 'invalid_request', description: 'this sign-in form has expired or was not served to this browser; go back to the application and sign in again',
});

/**
 * The sign-in form: the same rules as `POST /api/v3/signin` (checkPassword). A wrong password
 * and an unknown account get the same page; on success the provider session begins (or is
 * renewed for the same person), the scopes the page listed count as granted, and a code goes back.
 */
export async function submitSignIn(deps: Deps, ctx: HostedContext, input: { form?: string; account?: string; password?: string }): Promise<HostedOutcome> {
  const form = openForm(deps, input.form, ctx.browser);
  if (!form || form === 'expired') return expiredForm();
  const request = form.request;
  const app = await formClient(deps, ctx, request);
  if (!app) return expiredForm();
  const account = (input.account ?? '').trim().slice(0, 320);
  if (!account || !input.password) return loginPage(deps, ctx, app, request, { account, error: 'missing' });
  const check = await checkPassword(deps, app, { account, password: input.password.slice(0, 1024) }, ctx);
  switch (check.kind) {
    case 'wrong':
      return loginPage(deps, ctx, app, request, { account, error: 'wrong' });
    case 'locked':
      // Only answered to the right password: a wrong one on a locked account reads as any wrong password.
      return loginPage(deps, ctx, app, request, { account, error: 'locked' });
    case 'status':
      return loginPage(deps, ctx, app, request, { account, error: check.status === 'Resigned' ? 'resigned' : 'inactive' });
    case 'denied':
      return oauthError(request, ctx.issuer, 'access_denied', 'the access rules of this application do not let this account sign in');
  }
  const user = check.user;
  const previous = await findLiveProviderSession(deps.db, app.pool_id, ctx.sessionCookie);
  const now = nowIso();
  const fresh = newProviderSession(deps, app.pool_id, user.id, now);
  const { code, cookie } = await deps.db.transaction().execute(async (trx) => {
    let session: { id: string; auth_time: string };
    let cookie: { value: string; maxAge: number } | undefined;
    if (previous && previous.user.id === user.id) {
      await providerStore.renewProviderSession(trx, previous.session.id, now, fresh.row.expires_at);
      session = { id: previous.session.id, auth_time: now };
      cookie = { value: ctx.sessionCookie!, maxAge: deps.policy.hostedSessionSeconds };
    } else {
      // One browser, one person: another person's session in this browser ends here.
      if (previous) await endProviderSessions(trx, deps, app.pool_id, [previous.session.id], 'another account signed in in this browser');
      await providerStore.insertProviderSession(trx, fresh.row);
      session = fresh.row;
      cookie = { value: fresh.value, maxAge: deps.policy.hostedSessionSeconds };
    }
    await recordSignIn(trx, app, user as UserRow, ctx, now, 'hosted', session.id);
    await grantConsent(trx, app.pool_id, user.id, app.id, request.scope);
    return { code: await issueCode(trx, request, session, user.id), cookie };
  });
  deps.observer?.signIn('success');
  return { ...respond(request, ctx.issuer, { code }), cookie };
}

/** The consent form: allow grants the scopes and sends a code; deny sends access_denied. */
export async function submitConsent(deps: Deps, ctx: HostedContext, input: { form?: string; decision?: string }): Promise<HostedOutcome> {
  const form = openForm(deps, input.form, ctx.browser);
  if (!form || form === 'expired' || !form.providerSessionId) return expiredForm();
  const request = form.request;
  const app = await formClient(deps, ctx, request);
  if (!app) return expiredForm();
  const live = await findLiveProviderSession(deps.db, app.pool_id, ctx.sessionCookie);
  // The session must still be the one that was asked, and still alive (checked at every use).
  if (!live || live.session.id !== form.providerSessionId) return loginPage(deps, ctx, app, { ...request, prompt: request.prompt.filter((p) => p !== 'consent') });
  if (input.decision !== 'allow') return oauthError(request, ctx.issuer, 'access_denied', 'the account did not grant the requested access');
  if (!(await mayUseApplication(deps.db, app, live.user.id))) {
    return oauthError(request, ctx.issuer, 'access_denied', 'the access rules of this application do not let this account sign in');
  }
  const code = await deps.db.transaction().execute(async (trx) => {
    await grantConsent(trx, app.pool_id, live.user.id, app.id, request.scope);
    return issueCode(trx, request, live.session, live.user.id);
  });
  return respond(request, ctx.issuer, { code });
}
