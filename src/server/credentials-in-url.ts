import type { FastifyRequest } from 'fastify';
import { ApiCode, AppError } from '../errors.js';

/**
 * Parameters that prove who the caller is or carry a grant. A URL is kept by proxies, access
 * logs and browser history, so these are refused in the query string (RFC 6749 §2.3.1 for client
 * credentials, RFC 6750 §2.3 for bearer tokens) wherever a request may carry them: the token,
 * introspection, revocation and userinfo endpoints, password sign-in and the end user's own
 * endpoints. `/oidc/auth` takes its (non-secret) parameters in the query by design.
 */
export const CREDENTIAL_PARAMS = [
  'client_id', 'client_secret', 'client_assertion', 'code', 'code_verifier', 'refresh_token', 'access_token', 'token', 'password',
] as const;

/** The first credential parameter the query string carries, if any. */
export function credentialInQuery(request: FastifyRequest): string | undefined {
  const query = request.query;
  if (!query || typeof query !== 'object') return undefined;
  return CREDENTIAL_PARAMS.find((name) => Object.hasOwn(query, name));
}

/** The refusal's text: which parameter, why, and where it goes instead. */
export function credentialInQueryMessage(name: string): string {
  const instead = name === 'access_token'
    ? 'send the access token in the authorization header (Bearer)'
    : 'send it in the form-encoded body (client credentials may also go in a Basic authorization header)';
  return `${name}: credentials and tokens are refused in the query string (RFC 6749 §2.3.1, RFC 6750 §2.3); ${instead}`;
}

/** Paths whose query strings may hold secrets: every OIDC endpoint but the authorization endpoint, sign-in and sign-up. */
const SECRET_QUERY_PATH = /^(?:\/pools\/[^/]+)?\/(?:oidc\/(?!auth(?:\/|$))|api\/v3\/(?:signin|signup)(?:\/|$))/;

/**
 * The URL as the request log writes it: the query string of the endpoints above, and of every
 * end-user route, is replaced by `?[redacted]`, so a secret sent there by mistake (and refused)
 * never reaches the log.
 */
export function loggedUrl(request: FastifyRequest): string {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  if (q === -1) return url;
  const path = url.slice(0, q);
  const userRoute = request.routeOptions?.config?.auth === 'user';
  return userRoute || SECRET_QUERY_PATH.test(path) ? `${path}?[redacted]` : url;
}

/**
 * For the GenAuth-style routes (sign-in, the end user's own endpoints): refuses a credential in
 * the query string with an envelope naming it, HTTP 400, before anything else looks at the request.
 */
export async function refuseCredentialsInQuery(request: FastifyRequest): Promise<void> {
  const name = credentialInQuery(request);
  if (name) throw new AppError(400, ApiCode.VALIDATION, `invalid_request: ${credentialInQueryMessage(name)}`, 400);
}
