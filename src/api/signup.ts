import type { FastifyInstance } from 'fastify';
import { Envelope, envelope } from '../server/envelope.js';
import { managementRoute } from '../server/route.js';
import { POOL_PREFIX, poolAddress } from '../server/pool-address.js';
import { User } from '../schemas/users.js';
import { SecuritySettings, SignUpBody, UpdateSecuritySettingsBody, type SignUpInput } from '../schemas/self-service.js';
import { getSecuritySettings, updateSecuritySettings } from '../services/pool-settings.js';
import { signUp } from '../services/signup.js';

/**
 * Self-registration: `signup`, called by applications with their app id only (no secret, no
 * token), and the management calls that turn it on and off for the pool.
 */
export function registerSignUpRoutes(app: FastifyInstance): void {
  // The default pool's people register at the root, another pool's under its own prefix.
  for (const url of ['/api/v3/signup', `${POOL_PREFIX}/api/v3/signup`]) {
    app.post(url, {
      config: { auth: 'none', envelope: { refusals: [429] } },
      preHandler: app.signupThrottle,
      schema: {
        summary: 'Register with a password, when the user pool allows self-registration', tags: ['end user'], body: SignUpBody, response: { 200: Envelope(User) },
        ...(url.startsWith(POOL_PREFIX) ? { hide: true } : {}),
      },
      handler: async (request) => {
        const appId = request.headers['x-authing-app-id'];
        const data = await signUp(app.deps, {
          body: request.body as SignUpInput,
          appIdHeader: typeof appId === 'string' ? appId : undefined,
          poolId: (await poolAddress(request, app.deps)).poolId,
          requestId: request.id,
        });
        return envelope(request.id, data);
      },
    });
  }

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-security-settings', audit: 'read', summary: "The user pool's security settings (registerDisabled)", tags: ['user pool'],
    data: SecuritySettings,
    handler: async ({ scope }) => getSecuritySettings(scope),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-security-settings', audit: 'write', summary: 'Turn self-registration on or off for the user pool', tags: ['user pool'],
    body: UpdateSecuritySettingsBody, data: SecuritySettings,
    handler: async ({ body, scope }) => updateSecuritySettings(scope, body),
  });
}
