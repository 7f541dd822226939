import { SignJWT } from 'jose';
import { newId } from '../lib/ids.js';
import type { ApplicationRow } from '../store/applications.js';
import { isPublicClient, oidcSettings } from './applications.js';
import { exchangeCode } from './authorization-codes.js';
import type { Deps } from './context.js';
import { SIGNING_ALG, currentSigningKey } from './signing-keys.js';
import { OAuthError, authenticateClient, refresh, type ClientCredentials, type TokenSet } from './tokens.js';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

export interface TokenRequest {
  grant_type?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
  refresh_token?: string;
  scope?: string;
}

export interface ClientTokenSet {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/**
 * client_credentials: a token for the application itself (no user, so no ID token and no refresh
 * token), only for confidential applications: a public client has no secret to prove who it is.
 */
async function clientCredentialsGrant(deps: Deps, issuer: string, app: ApplicationRow, scope: string | undefined): Promise<ClientTokenSet> {
  if (isPublicClient(app) || oidcSettings(app).token_endpoint_auth_method === 'none') {
    throw new OAuthError(400, 'unauthorized_client', 'client_credentials: only confidential applications (authenticated with their secret) may use this grant');
  }
  const granted = [...new Set((scope ?? '').split(' ').filter(Boolean))].join(' ');
  const { kid, key } = await currentSigningKey(deps, app.pool_id);
  const lifetime = oidcSettings(app).access_token_expire;
  const iat = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ scope: granted, user_pool_id: app.pool_id, client_id: app.id, gty: 'client_credentials' })
    .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(app.id)
    .setAudience(app.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .setJti(newId())
    .sign(key);
  return { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope: granted };
}

/**
 * The token endpoint of one pool (its id and issuer, from the address): authenticates the client,
 * an application of that pool, then runs the grant it asks for.
 */
export async function tokenGrant(deps: Deps, address: { poolId: string; issuer: string }, creds: ClientCredentials, input: TokenRequest): Promise<TokenSet | ClientTokenSet> {
  const client = await authenticateClient(deps, creds, 'token_endpoint_auth_method', address.poolId);
  const { issuer } = address;
  switch (input.grant_type) {
    case 'authorization_code':
      return exchangeCode(deps, issuer, client, input);
    case 'refresh_token':
      return refresh(deps, issuer, client, input.refresh_token);
    case 'client_credentials':
      return clientCredentialsGrant(deps, issuer, client, input.scope);
    default:
      throw new OAuthError(400, 'unsupported_grant_type', `grant_type: "${input.grant_type ?? ''}" is not supported; use ${GRANT_TYPES.join(', ')} (password sign-in is POST /api/v3/signin)`);
  }
}
