import type { FastifyInstance } from 'fastify';
import { managementRoute } from '../server/route.js';
import { Envelope, envelope } from '../server/envelope.js';
import { clientCredentials, issuerOf } from '../server/oidc.js';
import { getUserLoginHistory, signIn } from '../services/authentication.js';
import { kickUser } from '../services/sessions.js';
import { Paginated, Success } from '../schemas/common.js';
import { KickUsersBody, LoginHistoryItem, LoginHistoryQuery, SignInBody, TokenSet, type SignInInput } from '../schemas/authentication.js';

const tags = ['authentication'];

export function registerAuthenticationRoutes(app: FastifyInstance): void {
  // Called by end users' applications with the application's credentials, not a management key.
  app.post('/api/v3/signin', {
    config: { auth: 'none' },
    schema: { summary: 'Sign in with a password (connection PASSWORD)', tags, body: SignInBody, response: { 200: Envelope(TokenSet) } },
    handler: async (request) => {
      const body = request.body as SignInInput;
      const data = await signIn(app.deps, {
        body,
        credentials: clientCredentials(request, {}),
        issuer: issuerOf(request, app.deps),
        clientIp: body.options?.clientIp ?? request.ip,
        userAgent: request.headers['user-agent'],
      });
      return envelope(request.id, data);
    },
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/kick-users', summary: "End a user's sessions in the given applications", tags,
    body: KickUsersBody, data: Success,
    handler: async ({ body, scope }) => kickUser(scope, { userId: body.userId, appIds: body.appIds, userIdType: body.options?.userIdType }),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-login-history', summary: "A user's sign-ins, successful and failed", tags,
    querystring: LoginHistoryQuery, data: Paginated(LoginHistoryItem),
    handler: async ({ query, scope }) => getUserLoginHistory(scope, query),
  });
}
