import { consoleRedirects } from './console-client.js';
import { compactVerify } from 'jose';
import * as applications from '../store/applications.js';
import type { ApplicationRow } from '../store/applications.js';
import * as tokens from '../store/tokens.js';
import { parseJson } from '../store/values.js';
import { decryptSecret, encryptSecret } from '../lib/secrets.js';
import { hkdfSync } from 'node:crypto';
import type { Deps } from './context.js';
import { browserHash } from './authorize-request.js';
import { findLiveProviderSession } from './provider-sessions.js';
import * as providerStore from '../store/provider-sessions.js';
import { endProviderSessions, endSession } from './session-endings.js';
import { SIGNING_ALG, verificationKey } from './signing-keys.js';

export interface LogoutContext {
  /** The issuer of the pool the address serves. */
  issuer: string;
  /** The pool the address serves. */
  poolId: string;
  sessionCookie?: string;
  browser: string;
}

export type LogoutOutcome =
  | { kind: 'error'; error: string; description: string }
  | { kind: 'confirm'; form: string }
  | { kind: 'done'; redirect?: string; clearCookie: boolean };

/** What the confirmation form carries: where to go after, for which pool, bound to the browser. */
interface LogoutForm {
  poolId?: string;
  redirect?: string;
  browser: string;
  expires: number;
}

const key = (deps: Deps) => Buffer.from(hkdfSync('sha256', deps.masterKey, Buffer.alloc(0), 'userpool hosted logout forms', 32));

/** The claims of an ID token this pool signed, expired or not (RP-initiated logout 1.0, 2). */
async function idTokenHint(deps: Deps, poolId: string, issuer: string, token: string): Promise<{ aud: string; sub: string; sid?: string } | undefined> {
  try {
    const { payload, protectedHeader } = await compactVerify(token, async (header) => {
      const found = await verificationKey(deps, poolId, header.kid);
      if (!found) throw new Error('unknown kid');
      return found;
    });
    if (protectedHeader.alg !== SIGNING_ALG) return undefined;
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (claims.iss !== issuer || typeof claims.aud !== 'string' || typeof claims.sub !== 'string') return undefined;
    return { aud: claims.aud, sub: claims.sub, sid: typeof claims.sid === 'string' ? claims.sid : undefined };
  } catch {
    return undefined;
  }
}

function withState(uri: string, state: string | undefined): string {
  if (state === undefined) return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}state=${encodeURIComponent(state)}`;
}

/**
 * Ends the browser's provider session and every application session that came through it, or,
 * for a password sign-in named by the hint, that application session; the applications hear of
 * it by back-channel logout.
 */
async function endAll(deps: Deps, ctx: LogoutContext, poolId: string | undefined, hint?: { sub: string; sid?: string }): Promise<boolean> {
  const ended: string[] = [];
  const live = await findLiveProviderSession(deps.db, poolId, ctx.sessionCookie);
  poolId ??= live?.session.pool_id;
  if (poolId) {
    if (live && (!hint || live.user.id === hint.sub)) ended.push(live.session.id);
    if (hint?.sid && !ended.includes(hint.sid)) {
      const named = await providerStore.findProviderSession(deps.db, poolId, hint.sid);
      if (named && named.user_id === hint.sub) ended.push(named.id);
      else {
        const state = await tokens.findSessionState(deps.db, poolId, hint.sid);
        if (state && state.session.user_id === hint.sub) await endSession(deps, poolId, hint.sid, 'signed out (RP-initiated logout)');
      }
    }
    if (ended.length) {
      await deps.db.transaction().execute((trx) => endProviderSessions(trx, deps, poolId, ended, 'signed out (RP-initiated logout)'));
    }
  }
  return ended.length > 0;
}

/**
 * `/oidc/session/end` (OpenID Connect RP-Initiated Logout 1.0). With a valid id_token_hint the
 * sign-out happens at once; without one the person confirms it on a page first, so a link on
 * another site cannot sign anyone out. post_logout_redirect_uri must be one of the client's
 * registered logoutRedirectUris, else the error is shown here and nobody is redirected.
 */
export async function endSessionRequest(deps: Deps, ctx: LogoutContext, raw: Record<string, string | undefined>): Promise<LogoutOutcome> {
  const hint = raw.id_token_hint ? await idTokenHint(deps, ctx.poolId, ctx.issuer, raw.id_token_hint) : undefined;
  if (raw.id_token_hint && !hint) return { kind: 'error', error: 'invalid_request', description: 'id_token_hint: not an ID token issued by this server' };
  if (hint && raw.client_id && raw.client_id !== hint.aud) return { kind: 'error', error: 'invalid_request', description: 'client_id: does not match the audience of id_token_hint' };
  const clientId = hint?.aud ?? raw.client_id;
  let app: ApplicationRow | undefined;
  if (clientId) {
    app = await applications.findApplicationByClientId(deps.db, clientId);
    if (!app || app.pool_id !== ctx.poolId) return { kind: 'error', error: 'invalid_client', description: `client_id "${clientId}" is not an application of this user pool` };
  }
  let redirect: string | undefined;
  if (raw.post_logout_redirect_uri !== undefined) {
    if (!app) return { kind: 'error', error: 'invalid_request', description: 'post_logout_redirect_uri: needs id_token_hint or client_id to know the application' };
    if (![...parseJson<string[]>(app.logout_redirect_uris, []), ...consoleRedirects(app, ctx.issuer).logout].includes(raw.post_logout_redirect_uri)) {
      return { kind: 'error', error: 'invalid_request', description: `post_logout_redirect_uri: "${raw.post_logout_redirect_uri}" is not registered for this application` };
    }
    redirect = withState(raw.post_logout_redirect_uri, raw.state);
  }
  const poolId = app?.pool_id ?? ctx.poolId;
  if (!hint) {
    const form: LogoutForm = { poolId, redirect, browser: browserHash(ctx.browser), expires: Date.now() + 15 * 60_000 };
    return { kind: 'confirm', form: encryptSecret(key(deps), JSON.stringify(form)) };
  }
  await endAll(deps, ctx, poolId, hint);
  return { kind: 'done', redirect, clearCookie: true };
}

/** The confirmation page's form. */
export async function confirmLogout(deps: Deps, ctx: LogoutContext, sealed: string | undefined): Promise<LogoutOutcome> {
  let form: LogoutForm | undefined;
  try {
    form = sealed && sealed.length < 8192 ? (JSON.parse(decryptSecret(key(deps), sealed)) as LogoutForm) : undefined;
  } catch {
    form = undefined;
  }
  if (!form || form.browser !== browserHash(ctx.browser) || form.expires < Date.now()) {
    return { kind: 'error', error: 'invalid_request', description: 'this sign-out form has expired or was not served to this browser' };
  }
  await endAll(deps, ctx, form.poolId ?? ctx.poolId);
  return { kind: 'done', redirect: form.redirect, clearCookie: true };
}
