import type { FastifyInstance } from 'fastify';
import { managementRoute, publicRoute } from '../server/route.js';
import { issuerOfPool } from '../server/pool-address.js';
import { ConsoleConfig, ConsoleConfigQuery, WhoAmI } from '../schemas/console.js';
import { consoleConfig, whoami } from '../services/administrators.js';

const tags = ['console'];

/** Ours: what the console asks before and after an administrator signs in. */
export function registerConsoleRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'GET', url: '/api/v3/whoami', audit: 'read', summary: 'Who the caller is: the administrator signed in to the console, or the access key that signed', tags,
    data: WhoAmI,
    handler: async ({ scope }) => whoami(scope),
  });
  publicRoute(app, {
    method: 'GET', url: '/api/v3/console-config', summary: "The console's OIDC client, redirect URI and scopes for a user pool (no credentials needed)", tags,
    querystring: ConsoleConfigQuery, data: ConsoleConfig,
    handler: async ({ query, deps, request }) => consoleConfig(deps, query.pool, (poolId) => issuerOfPool(request, deps, poolId), deps.policy.publicUrl),
  });
}
