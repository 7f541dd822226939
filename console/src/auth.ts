// Sign-in for the console: an ordinary public OIDC client of the pool (authorization code +
// PKCE S256) through the hosted sign-in page, with oauth4webapi doing the protocol checks.
// Tokens live in sessionStorage: they last as long as the tab and never reach a cookie.
import * as oauth from 'oauth4webapi';
import type { ConsoleConfig } from './types';

const TOKENS_KEY = 'userpool-console.tokens';
const PENDING_KEY = 'userpool-console.pending';
const CONFIG_KEY = 'userpool-console.config';

export interface Tokens {
  accessToken: string;
  idToken?: string;
  expiresAt: number;
  /** The `sub` of the id token: the administrator's user id. */
  subject: string;
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  /** Where in the console to go back to after signing in. */
  returnTo: string;
}

// http is for a server on this machine (development, tests); anything else is served over https.
const insecure = () => ({ [oauth.allowInsecureRequests]: location.protocol === 'http:' });

/**
 * How the console signs in to the pool named by `?pool=` on its address, else the one signed in
 * to, else the default pool (GET /api/v3/console-config): the built-in public client of the pool
 * (`userpool-console` in the default pool), its issuer and its redirect URIs.
 */
async function consoleConfig(): Promise<ConsoleConfig> {
  const named = new URLSearchParams(location.search).get('pool');
  const saved = sessionStorage.getItem(CONFIG_KEY);
  if (saved && !named) return JSON.parse(saved) as ConsoleConfig;
  const response = await fetch(`/api/v3/console-config${named ? `?pool=${encodeURIComponent(named)}` : ''}`);
  const body = (await response.json()) as { statusCode: number; message: string; data: ConsoleConfig };
  if (body.statusCode !== 200) throw new Error(body.message);
  sessionStorage.setItem(CONFIG_KEY, JSON.stringify(body.data));
  return body.data;
}

const servers = new Map<string, Promise<oauth.AuthorizationServer>>();
function discover(config: ConsoleConfig): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(config.issuer);
  let server = servers.get(config.issuer);
  if (!server) {
    server = oauth
      .discoveryRequest(issuer, insecure())
      .then((response) => oauth.processDiscoveryResponse(issuer, response))
      .catch((error: unknown) => {
        servers.delete(config.issuer);
        throw error;
      });
    servers.set(config.issuer, server);
  }
  return server;
}

export function currentTokens(): Tokens | undefined {
  const raw = sessionStorage.getItem(TOKENS_KEY);
  if (!raw) return undefined;
  try {
    const tokens = JSON.parse(raw) as Tokens;
    if (tokens.expiresAt <= Date.now()) {
      sessionStorage.removeItem(TOKENS_KEY);
      return undefined;
    }
    return tokens;
  } catch {
    sessionStorage.removeItem(TOKENS_KEY);
    return undefined;
  }
}

export function forgetTokens(): void {
  sessionStorage.removeItem(TOKENS_KEY);
}

/** Sends the browser to the hosted sign-in page. */
export async function signIn(returnTo = location.pathname + location.search): Promise<void> {
  const config = await consoleConfig();
  const as = await discover(config);
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo: returnTo.startsWith('/console') && !returnTo.startsWith('/console/callback') ? returnTo : '/console/',
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: config.scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  }).toString();
  location.assign(url.href);
}

let completing: Promise<string> | undefined;
/**
 * Finishes the code flow on /console/callback; answers where to go next. A code is good for one
 * exchange, so a second call (React runs effects twice in development) shares the first one's.
 */
export function completeSignIn(): Promise<string> {
  completing ??= exchangeCode();
  return completing;
}

async function exchangeCode(): Promise<string> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!raw) throw new Error('This sign-in was not started from this tab, or it was already used. Sign in again.');
  const pending = JSON.parse(raw) as Pending;
  const config = await consoleConfig();
  const as = await discover(config);
  const client: oauth.Client = { client_id: config.clientId };
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, config.redirectUri, pending.verifier, insecure());
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  const tokens: Tokens = {
    accessToken: result.access_token,
    idToken: result.id_token,
    expiresAt: Date.now() + (result.expires_in ?? 3600) * 1000 - 30_000,
    subject: claims.sub,
  };
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  return pending.returnTo;
}

/** Ends the provider session too (RP-initiated logout), then comes back to the console. */
export async function signOut(): Promise<void> {
  const tokens = currentTokens();
  forgetTokens();
  const config = await consoleConfig();
  const as = await discover(config);
  const url = new URL(as.end_session_endpoint!);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    post_logout_redirect_uri: config.postLogoutRedirectUri,
    ...(tokens?.idToken ? { id_token_hint: tokens.idToken } : {}),
  }).toString();
  location.assign(url.href);
}
