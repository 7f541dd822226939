// Sign-in for the console: an ordinary public OIDC client of the pool (authorization code +
// PKCE S256) through the hosted sign-in page, with oauth4webapi doing the protocol checks.
// Tokens live in sessionStorage: they last as long as the tab and never reach a cookie.
import * as oauth from 'oauth4webapi';

/** The console's built-in client in every pool (made by the server; see README, Console). */
export const CLIENT_ID = 'userpool-console';

const TOKENS_KEY = 'userpool-console.tokens';
const PENDING_KEY = 'userpool-console.pending';

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

export const consoleBase = () => `${location.origin}/console/`;
const redirectUri = () => `${location.origin}/console/callback`;
const issuerUrl = () => new URL(`${location.origin}/oidc`);
const client: oauth.Client = { client_id: CLIENT_ID };
// http is for a server on this machine (development, tests); anything else is served over https.
const insecure = () => ({ [oauth.allowInsecureRequests]: location.protocol === 'http:' });

let server: Promise<oauth.AuthorizationServer> | undefined;
function discover(): Promise<oauth.AuthorizationServer> {
  server ??= oauth
    .discoveryRequest(issuerUrl(), insecure())
    .then((response) => oauth.processDiscoveryResponse(issuerUrl(), response))
    .catch((error: unknown) => {
      server = undefined;
      throw error;
    });
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
  const as = await discover();
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo: returnTo.startsWith('/console') && !returnTo.startsWith('/console/callback') ? returnTo : '/console/',
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid profile email',
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  }).toString();
  location.assign(url.href);
}

/** Finishes the code flow on /console/callback; answers where to go next. */
export async function completeSignIn(): Promise<string> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!raw) throw new Error('This sign-in was not started from this tab, or it was already used. Sign in again.');
  const pending = JSON.parse(raw) as Pending;
  const as = await discover();
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri(), pending.verifier, insecure());
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
  const as = await discover();
  const url = new URL(as.end_session_endpoint!);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    post_logout_redirect_uri: consoleBase(),
    ...(tokens?.idToken ? { id_token_hint: tokens.idToken } : {}),
  }).toString();
  location.assign(url.href);
}
