import type { FastifyInstance } from 'fastify';
import { managementRoute, publicRoute } from '../server/route.js';
import { clientCredentials } from '../server/oidc.js';
import { poolAddress } from '../server/pool-address.js';
import { getUserLoginHistory, signIn } from '../services/authentication.js';
import { kickUser } from '../services/sessions.js';
import { Paginated, Success } from '../schemas/common.js';
import { KickUsersBody, LoginHistoryItem, LoginHistoryQuery, SignInBody, TokenSet } from '../schemas/authentication.js';

const tags = ['authentication'];

export function registerAuthenticationRoutes(app: FastifyInstance): void {
  // Called by end users' applications with the application's credentials, not a management key.
  publicRoute(app, {
    method: 'POST', url: '/api/v3/signin', summary: 'Sign in with a password (connection PASSWORD)', tags, body: SignInBody, data: TokenSet, perPool: true,
    // An application whose client credentials do not check out is refused with HTTP 401.
    refusals: [401],
    throttleAccount: (body) => {
      const payload = body.passwordPayload;
      return payload?.account ?? payload?.email ?? payload?.username ?? payload?.phone;
    },
    handler: async ({ body, deps, request }) =>
      signIn(deps, {
        body,
        credentials: clientCredentials(request, {}),
        address: await poolAddress(request, deps),
        clientIp: request.ip,
        userAgent: request.headers['user-agent'],
        requestId: request.id,
      }),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/kick-users', audit: 'write', summary: "End a user's sessions in the given applications", tags,
    body: KickUsersBody, data: Success,
    handler: async ({ body, scope }) => kickUser(scope, { userId: body.userId, appIds: body.appIds, userIdType: body.options?.userIdType }),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-login-history', audit: 'read', summary: "A user's sign-ins, successful and failed", tags,
    querystring: LoginHistoryQuery, data: Paginated(LoginHistoryItem),
    handler: async ({ query, scope }) => getUserLoginHistory(scope, query),
  });
}
