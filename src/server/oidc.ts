import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../services/context.js';
import { OAuthError, introspect, revoke, userInfo, type ClientCredentials } from '../services/tokens.js';
import { GRANT_TYPES, tokenGrant } from '../services/token-endpoint.js';
import { publicJwks } from '../services/signing-keys.js';
import { credentialInQuery, credentialInQueryMessage } from './credentials-in-url.js';
import { POOL_PREFIX, poolAddress } from './pool-address.js';

type Form = Record<string, string | undefined>;

export function clientCredentials(request: FastifyRequest, form: Form): ClientCredentials {
  const appId = request.headers['x-authing-app-id'];
  return {
    authorization: typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined,
    clientId: form.client_id,
    clientSecret: form.client_secret,
    appIdHeader: typeof appId === 'string' ? appId : undefined,
  };
}

function oauthFailure(reply: FastifyReply, error: unknown) {
  if (!(error instanceof OAuthError)) throw error;
  if (error.httpStatus === 401) reply.header('www-authenticate', error.error === 'invalid_token' ? `Bearer error="invalid_token"` : 'Basic realm="userpool"');
  return reply.code(error.httpStatus).header('cache-control', 'no-store').send({ error: error.error, error_description: error.message });
}

/**
 * The parameters of a token-endpoint style request: the form-encoded body only. Credentials in
 * the query string are refused by name (RFC 6749 §2.3.1, RFC 6750 §2.3): a URL ends up in logs.
 */
function form(request: FastifyRequest): Form {
  const inQuery = credentialInQuery(request);
  if (inQuery) throw new OAuthError(400, 'invalid_request', credentialInQueryMessage(inQuery));
  const body = request.body;
  return body && typeof body === 'object' ? (body as Form) : {};
}

/**
 * The OIDC provider endpoints the AuthenticationClient calls, implemented with jose: discovery,
 * JWKS, token (refresh_token grant), introspection (RFC 7662), revocation (RFC 7009), userinfo.
 * They answer OAuth JSON, not the GenAuth envelope, as the cloud does. Each user pool is a
 * provider of its own: the default pool's at `/oidc`, another pool's at `/pools/<poolId>/oidc`.
 */
export function registerOidcRoutes(app: FastifyInstance, deps: Deps): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  registerProvider(app, deps, '');
  registerProvider(app, deps, POOL_PREFIX);
}

function registerProvider(app: FastifyInstance, deps: Deps, prefix: string): void {
  const tags = ['oidc'];
  const config = { auth: 'none' as const, oauth: true };
  const base = `${prefix}/oidc`;

  app.get(`${base}/.well-known/openid-configuration`, { config, schema: { summary: 'OpenID Connect discovery', tags } }, async (request) => {
    const { issuer } = await poolAddress(request, deps);
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      end_session_endpoint: `${issuer}/session/end`,
      introspection_endpoint: `${issuer}/token/introspection`,
      revocation_endpoint: `${issuer}/token/revocation`,
      userinfo_endpoint: `${issuer}/me`,
      grant_types_supported: [...GRANT_TYPES],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: ['none', 'login', 'consent'],
      authorization_response_iss_parameter_supported: true,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
      scopes_supported: ['openid', 'profile', 'email', 'phone', 'username', 'external_id', 'offline_access'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'at_hash', 'name', 'nickname', 'given_name', 'family_name', 'picture', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'username'],
    };
  });

  app.get(`${base}/.well-known/jwks.json`, { config, schema: { summary: "Public keys that sign the user pool's access and id tokens", tags } }, async (request) =>
    publicJwks(deps, (await poolAddress(request, deps)).poolId));

  app.post(`${base}/token`, { config, schema: { summary: 'Token endpoint (authorization_code, refresh_token and client_credentials grants)', tags } }, async (request, reply) => {
    const address = await poolAddress(request, deps);
    try {
      const input = form(request);
      const tokens = await tokenGrant(deps, address, clientCredentials(request, input), input);
      return reply.header('cache-control', 'no-store').send(tokens);
    } catch (error) {
      return oauthFailure(reply, error);
    }
  });

  app.post(`${base}/token/introspection`, { config, schema: { summary: 'Token introspection (RFC 7662)', tags } }, async (request, reply) => {
    const { poolId } = await poolAddress(request, deps);
    try {
      const input = form(request);
      return reply.header('cache-control', 'no-store').send(await introspect(deps, poolId, clientCredentials(request, input), input.token));
    } catch (error) {
      return oauthFailure(reply, error);
    }
  });

  app.post(`${base}/token/revocation`, { config, schema: { summary: 'Token revocation (RFC 7009)', tags } }, async (request, reply) => {
    const { poolId } = await poolAddress(request, deps);
    try {
      const input = form(request);
      await revoke(deps, poolId, clientCredentials(request, input), input.token);
      return reply.code(200).send();
    } catch (error) {
      return oauthFailure(reply, error);
    }
  });

  const me = async (request: FastifyRequest, reply: FastifyReply) => {
    const { poolId } = await poolAddress(request, deps);
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    try {
      // RFC 6750: the authorization header, or (POST only) the form-encoded body; never the query.
      const input = form(request);
      return reply.header('cache-control', 'no-store').send(await userInfo(deps, poolId, bearer ?? input.access_token));
    } catch (error) {
      return oauthFailure(reply, error);
    }
  };
  app.get(`${base}/me`, { config, schema: { summary: 'UserInfo', tags } }, me);
  app.post(`${base}/me`, { config, schema: { summary: 'UserInfo', tags } }, me);
}
