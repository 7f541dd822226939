import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Deps } from '../../services/context.js';
import { authorize, submitConsent, submitSignIn, type HostedContext, type HostedOutcome } from '../../services/hosted-signin.js';
import { confirmLogout, endSessionRequest, type LogoutOutcome } from '../../services/logout.js';
import { POOL_PREFIX, poolAddress, type PoolAddress } from '../pool-address.js';
import { MESSAGES, pickLanguage } from './messages.js';
import { consentPage, errorPage, formPostPage, loggedOutPage, logoutConfirmPage, signInPage, type Page } from './pages.js';

/** The provider session (single sign-on) and the browser binding of the forms. */
export const SESSION_COOKIE = 'userpool_session';
export const BROWSER_COOKIE = 'userpool_browser';

type Params = Record<string, string | undefined>;

const param = (max: number) => Type.Optional(Type.String({ maxLength: max }));
/** The authorization request's parameters: each at most once, each a string of bounded length. */
const AuthorizeParams = Type.Object(
  {
    client_id: param(128), redirect_uri: param(2048), response_type: param(64), response_mode: param(32), scope: param(1024),
    state: param(2048), nonce: param(2048), prompt: param(64), max_age: param(16), login_hint: param(2048),
    code_challenge: param(256), code_challenge_method: param(16), ui_locales: param(256), request: param(8192), request_uri: param(2048),
  },
  { additionalProperties: true },
);
const SignInForm = Type.Object({ form: param(8192), account: param(320), password: param(1024) }, { additionalProperties: false });
const ConsentForm = Type.Object({ form: param(8192), decision: param(16) }, { additionalProperties: false });
const LogoutParams = Type.Object(
  { id_token_hint: param(8192), post_logout_redirect_uri: param(2048), state: param(2048), client_id: param(128), logout_hint: param(2048), ui_locales: param(256) },
  { additionalProperties: true },
);
const LogoutForm = Type.Object({ form: param(8192) }, { additionalProperties: false });

function cookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Hosted sign-in, beside the OIDC endpoints: the authorization endpoint, the sign-in and consent
 * pages, and RP-initiated logout, for the default pool at `/oidc` and for every other pool at
 * `/pools/<poolId>/oidc`, each with its own issuer. Pages are HTML rendered here from the
 * services' outcomes; the rules (what to show, when to issue a code) are all in
 * services/hosted-signin.ts and logout.ts.
 */
export function registerHostedRoutes(app: FastifyInstance, deps: Deps): void {
  registerHostedPages(app, deps, '');
  registerHostedPages(app, deps, POOL_PREFIX);
}

function registerHostedPages(app: FastifyInstance, deps: Deps, prefix: string): void {
  const route = `${prefix}/oidc`;
  const tags = ['oidc'];
  const config = { auth: 'none' as const };

  const secure = (request: FastifyRequest) => request.protocol === 'https' || (deps.policy.oidcIssuer ?? '').startsWith('https:');
  const cookie = (request: FastifyRequest, name: string, value: string, path: string, maxAge?: number) =>
    `${name}=${value}; Path=${path}; HttpOnly; SameSite=Lax${secure(request) ? '; Secure' : ''}${maxAge !== undefined ? `; Max-Age=${maxAge}` : ''}`;

  /** The browser's binding cookie, made on its first visit. */
  function browserOf(request: FastifyRequest, reply: FastifyReply): string {
    const existing = cookies(request)[BROWSER_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return existing;
    const value = randomBytes(24).toString('base64url');
    reply.header('set-cookie', cookie(request, BROWSER_COOKIE, value, '/'));
    return value;
  }

  /** The concrete path of this pool's provider: where forms post and the session cookie lives. */
  const baseOf = (address: PoolAddress) => `${address.prefix}/oidc`;

  const context = (request: FastifyRequest, reply: FastifyReply, address: PoolAddress): HostedContext => ({
    issuer: address.issuer,
    poolId: address.poolId,
    sessionCookie: cookies(request)[SESSION_COOKIE],
    browser: browserOf(request, reply),
    clientIp: request.ip,
    userAgent: request.headers['user-agent'],
    requestId: request.id,
  });

  function sendPage(reply: FastifyReply, status: number, page: Page) {
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', page.csp)
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(page.html);
  }

  function send(request: FastifyRequest, reply: FastifyReply, address: PoolAddress, outcome: HostedOutcome) {
    const base = baseOf(address);
    const lang = pickLanguage(request.headers['accept-language']);
    const m = MESSAGES[lang];
    if (outcome.cookie) reply.header('set-cookie', cookie(request, SESSION_COOKIE, outcome.cookie.value, base, outcome.cookie.maxAge));
    switch (outcome.kind) {
      case 'error':
        return sendPage(reply, 400, errorPage(m, lang, outcome.error, outcome.description));
      case 'login':
        return sendPage(reply, 200, signInPage(m, lang, { ...outcome, action: `${base}/auth/signin` }));
      case 'consent':
        return sendPage(reply, 200, consentPage(m, lang, { ...outcome, action: `${base}/auth/consent` }));
      case 'respond':
        if (outcome.mode === 'form_post') return sendPage(reply, 200, formPostPage(m, lang, outcome.redirectUri, outcome.params));
        {
          const url = new URL(outcome.redirectUri);
          for (const [k, v] of Object.entries(outcome.params)) url.searchParams.append(k, v);
          // 303 after a form post, so the browser follows with GET.
          return reply.code(request.method === 'GET' ? 302 : 303).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url.toString());
        }
    }
  }

  /** Bad input on a browser route is a page, never JSON and never a redirect. */
  const invalid = (request: FastifyRequest, reply: FastifyReply) => {
    const lang = pickLanguage(request.headers['accept-language']);
    return sendPage(reply, 400, errorPage(MESSAGES[lang], lang, 'invalid_request', request.validationError?.message ?? 'malformed request'));
  };

  const authorizeHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.validationError) return invalid(request, reply);
    const raw = (request.method === 'GET' ? request.query : request.body) as Params;
    const repeated = Object.entries(raw ?? {}).find(([, v]) => typeof v !== 'string');
    const address = await poolAddress(request, deps);
    if (repeated) return send(request, reply, address, { kind: 'error', error: 'invalid_request', description: `${repeated[0]}: given more than once` });
    return send(request, reply, address, await authorize(deps, context(request, reply, address), raw ?? {}));
  };
  app.get(`${route}/auth`, { config, attachValidation: true, schema: { summary: 'Authorization endpoint (code flow, hosted sign-in page)', tags, querystring: AuthorizeParams } }, authorizeHandler);
  app.post(`${route}/auth`, { config, attachValidation: true, schema: { summary: 'Authorization endpoint (form-encoded request)', tags, body: AuthorizeParams } }, authorizeHandler);

  app.post(`${route}/auth/signin`, { config, attachValidation: true, schema: { summary: 'The hosted sign-in form', tags, body: SignInForm } }, async (request, reply) => {
    if (request.validationError) return invalid(request, reply);
    const body = (request.body ?? {}) as Params;
    const wait = await app.signinThrottle(request, body.account);
    if (wait) {
      const lang = pickLanguage(request.headers['accept-language']);
      const description = `too many sign-in attempts; go back and try again in ${wait.retryAfterSeconds} s`;
      return sendPage(reply.header('retry-after', String(wait.retryAfterSeconds)), 429, errorPage(MESSAGES[lang], lang, 'temporarily_unavailable', description));
    }
    const address = await poolAddress(request, deps);
    return send(request, reply, address, await submitSignIn(deps, context(request, reply, address), { form: body.form, account: body.account, password: body.password }));
  });

  app.post(`${route}/auth/consent`, { config, attachValidation: true, schema: { summary: 'The hosted consent form', tags, body: ConsentForm } }, async (request, reply) => {
    if (request.validationError) return invalid(request, reply);
    const body = (request.body ?? {}) as Params;
    const address = await poolAddress(request, deps);
    return send(request, reply, address, await submitConsent(deps, context(request, reply, address), { form: body.form, decision: body.decision }));
  });

  function sendLogout(request: FastifyRequest, reply: FastifyReply, address: PoolAddress, outcome: LogoutOutcome) {
    const base = baseOf(address);
    const lang = pickLanguage(request.headers['accept-language']);
    const m = MESSAGES[lang];
    switch (outcome.kind) {
      case 'error':
        return sendPage(reply, 400, errorPage(m, lang, outcome.error, outcome.description));
      case 'confirm':
        return sendPage(reply, 200, logoutConfirmPage(m, lang, { action: `${base}/session/end/confirm`, form: outcome.form }));
      case 'done':
        if (outcome.clearCookie) reply.header('set-cookie', cookie(request, SESSION_COOKIE, '', base, 0));
        if (outcome.redirect) return reply.code(request.method === 'GET' ? 302 : 303).header('cache-control', 'no-store').redirect(outcome.redirect);
        return sendPage(reply, 200, loggedOutPage(m, lang));
    }
  }

  const endSessionHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.validationError) return invalid(request, reply);
    const raw = ((request.method === 'GET' ? request.query : request.body) ?? {}) as Params;
    const repeated = Object.entries(raw).find(([, v]) => typeof v !== 'string');
    const address = await poolAddress(request, deps);
    if (repeated) return sendLogout(request, reply, address, { kind: 'error', error: 'invalid_request', description: `${repeated[0]}: given more than once` });
    const ctx = { issuer: address.issuer, poolId: address.poolId, sessionCookie: cookies(request)[SESSION_COOKIE], browser: browserOf(request, reply) };
    return sendLogout(request, reply, address, await endSessionRequest(deps, ctx, raw));
  };
  app.get(`${route}/session/end`, { config, attachValidation: true, schema: { summary: 'RP-initiated logout', tags, querystring: LogoutParams } }, endSessionHandler);
  app.post(`${route}/session/end`, { config, attachValidation: true, schema: { summary: 'RP-initiated logout (form-encoded)', tags, body: LogoutParams } }, endSessionHandler);

  app.post(`${route}/session/end/confirm`, { config, attachValidation: true, schema: { summary: 'The sign-out confirmation form', tags, body: LogoutForm } }, async (request, reply) => {
    if (request.validationError) return invalid(request, reply);
    const address = await poolAddress(request, deps);
    const ctx = { issuer: address.issuer, poolId: address.poolId, sessionCookie: cookies(request)[SESSION_COOKIE], browser: browserOf(request, reply) };
    return sendLogout(request, reply, address, await confirmLogout(deps, ctx, ((request.body ?? {}) as Params).form));
  });
}
