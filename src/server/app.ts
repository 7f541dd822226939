import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../services/context.js';
import { registerErrorHandling } from './error-handler.js';
import { registerManagementAuth } from './management-auth.js';
import { registerAuditHook } from './audit-hook.js';
import type { NonceStore } from './nonce-store.js';
import { parseQueryString } from './query-string.js';
import { loggedUrl } from './credentials-in-url.js';
import { guardedJsonParser, registerInputGuards } from './input-guards.js';
import { registerApi } from '../api/index.js';
import { registerOidcRoutes } from './oidc.js';
import { scimRoutes } from '../api/scim/index.js';
import { scimTokenResolver, type ScimTokenResolver } from '../services/scim/tokens.js';
import { registerHealthRoutes, type ServerState } from './health.js';
import { registerMetrics, type Metrics } from './metrics.js';
import { registerHostedRoutes } from './hosted/routes.js';
import { registerConsole } from './console.js';
import { registerRateLimitStore } from './rate-limit.js';
import { registerSigninThrottle, DEFAULT_THROTTLE, type ThrottleSettings } from './signin-throttle.js';
import { registerSignupThrottle, DEFAULT_SIGNUP_THROTTLE, type SignupThrottleSettings } from './signup-throttle.js';
import type { Redis } from 'ioredis';
import { componentName, registerSchemaComponents } from './schema-components.js';
import { ANSWERED, COMPONENTS } from '../schemas/components.js';
import { Envelope } from './envelope.js';
import { documentErrorAnswers, ErrorEnvelope, markErrorStatuses } from './error-answers.js';

export interface AppOptions {
  deps: Deps;
  resolveKey: (keyId: string) => Promise<{ poolId: string; secret: string } | undefined>;
  nonces: NonceStore;
  maxSkewSeconds: number;
  logLevel: string;
  /** Finds the pool of a SCIM bearer token; without one, tokens are read from the database at every request. */
  scimTokens?: ScimTokenResolver;
  /** Readiness turns false once `draining` is set (graceful shutdown). */
  state?: ServerState;
  /** Serve /metrics and count requests (METRICS=on), behind a bearer token when one is set. */
  metrics?: { metrics: Metrics; token?: string };
  /** Password-attempt and self-registration limits (defaults when absent), counted in this Redis when given. */
  throttle?: ThrottleSettings;
  signupThrottle?: SignupThrottleSettings;
  throttleRedis?: Redis;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** What services are built from; attached once when the app is built, for every route. */
    deps: Deps;
  }
}

export const BODY_LIMIT = 1024 * 1024;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: options.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
      serializers: {
        // Fastify's own request serializer, but with the query string of credential-bearing endpoints left out.
        req: (request) => ({
          method: request.method,
          url: loggedUrl(request as unknown as FastifyRequest),
          version: request.headers?.['accept-version'] as string | undefined,
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
    bodyLimit: BODY_LIMIT,
    genReqId: () => randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    routerOptions: { querystringParser: parseQueryString, ignoreTrailingSlash: true },
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: true, useDefaults: true } },
  });

  // Before any route: the routes' schemas reference these components instead of inlining them.
  registerSchemaComponents(app, [...COMPONENTS, ...ANSWERED.map(Envelope), ErrorEnvelope]);
  await app.register(swagger, {
    refResolver: { buildLocalReference: componentName },
    // The error answers are written into the document only, never into the routes' response schemas.
    transform: markErrorStatuses,
    transformObject: documentErrorAnswers,
    openapi: {
      info: { title: 'Userpool', description: 'GenAuth (Authing) V3 compatible identity directory and lifecycle API', version: '0.1.0' },
      components: {
        securitySchemes: {
          authingSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'authorization',
            description: '`authing <accessKeyId>:<base64 HMAC-SHA1>` as authing-node-sdk 4.x signs it, with date and x-authing-signature-nonce headers',
          },
          consoleToken: {
            type: 'http',
            scheme: 'bearer',
            description: "an administrator's access token issued to the pool's console client (userpool-console), instead of a signature",
          },
          userAccessToken: {
            type: 'apiKey',
            in: 'header',
            name: 'authorization',
            description: "the end user's access token, as AuthenticationClient sends it (`<token>` or `Bearer <token>`)",
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, guardedJsonParser(json));

  app.decorate('deps', options.deps);
  await registerRateLimitStore(app, options.throttleRedis);
  registerSigninThrottle(app, options.throttle ?? DEFAULT_THROTTLE);
  registerSignupThrottle(app, options.signupThrottle ?? DEFAULT_SIGNUP_THROTTLE);
  registerErrorHandling(app);
  registerManagementAuth(app, options);
  registerInputGuards(app);
  registerAuditHook(app);

  registerHealthRoutes(app, { db: options.deps.db, nonces: options.nonces, state: options.state ?? { draining: false } });
  if (options.metrics) registerMetrics(app, options.metrics.metrics, options.metrics.token);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerOidcRoutes(app, options.deps);
  registerHostedRoutes(app, options.deps);
  // The admin console: static files built from console/, talking to the API above like any client.
  await registerConsole(app);
  await registerApi(app);
  // SCIM 2.0 is a room of its own: bearer tokens instead of signatures, SCIM's error format.
  await app.register(scimRoutes, { prefix: '/scim/v2', deps: options.deps, resolveToken: options.scimTokens ?? scimTokenResolver(options.deps.db, 0) });
  return app;
}
