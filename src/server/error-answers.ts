import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import Type from 'typebox';
import { envelopeFields } from './envelope.js';

/**
 * The error answers of the envelope routes, for the OpenAPI document. error-handler.ts decides
 * what is sent; this module only says, for each route family, at which HTTP statuses that can
 * happen. It reaches only the document (through @fastify/swagger's `transform` and
 * `transformObject`), never a route's response schema: Fastify would serialize real error
 * answers through such a schema, and whatever a description left out would be stripped from them.
 */

/** The error envelope exactly as error-handler.ts sends it (`errorEnvelope`): no `data`. */
export const ErrorEnvelope = Type.Object(
  envelopeFields({
    statusCode: "The error's status: the HTTP status too, except for business errors, which are answered HTTP 200",
    message: 'What was wrong, naming the field; the cloud\'s wording for `x-authing-lang: zh-CN` where it has one',
    apiCode: "GenAuth's published code where one fits, Userpool's own from 4600 up (see the README)",
    requestId: 'The id of the request, also in its log line',
  }),
  {
    $id: 'ErrorEnvelope',
    description:
      'An error in the GenAuth envelope. Business errors (a request its schema refuses: statusCode 400, apiCode 4600, the message naming the field; not found 404; conflict 409; refused 403) are answered HTTP 200, as GenAuth does; authentication, throttling and transport failures at their own HTTP status.',
  },
);

/** Routes whose answers, errors included, are the GenAuth envelope. Set by the route helpers. */
export interface EnvelopeRoute {
  /** HTTP statuses the route's own steps answer beyond its family's (a throttle's 429, a refused application's 401). */
  refusals?: readonly number[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    envelope?: EnvelopeRoute;
  }
}

/** The shared error answers (`components.responses`), by the HTTP status they are sent with. */
const RESPONSES: Record<number, { name: string; description: string; headers?: Record<string, unknown> }> = {
  400: {
    name: 'BadRequest',
    description:
      'A body that is not JSON (or nests deeper than 64 levels), or a credential sent in the query string of a sign-in or end-user endpoint. A body or query its schema refuses is a business error: HTTP 200 with statusCode 400.',
  },
  401: {
    name: 'Unauthenticated',
    description:
      'The caller did not prove who it is: a missing, malformed, wrong, stale or replayed signature, an unknown access key, or a missing, expired or revoked access token (at sign-in: the application\'s client credentials).',
  },
  403: {
    name: 'NotAnAdministrator',
    description: "A console access token whose user is not (or no longer) an administrator of the user pool, or a token issued to another application than the pool's console.",
  },
  413: { name: 'BodyTooLarge', description: 'The body is larger than 1 MiB.' },
  415: { name: 'UnsupportedMediaType', description: 'A body of a media type the server does not read: send application/json.' },
  429: {
    name: 'Throttled',
    description: 'Too many attempts from this address or on this account; retry-after says in how many seconds to try again.',
    headers: { 'retry-after': { description: 'Seconds to wait before the next attempt', schema: { type: 'integer' } } },
  },
  500: { name: 'InternalError', description: 'An unexpected failure, logged with its stack under the request id the message quotes.' },
};

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface RouteFacts {
  method: string | string[];
  config?: { auth?: 'management' | 'none' | 'user'; envelope?: EnvelopeRoute };
}

/**
 * The HTTP statuses other than 200 at which a route answers the error envelope, or undefined for
 * a route that does not answer the envelope (OIDC, hosted sign-in and SCIM have formats of their own).
 */
export function errorStatuses(route: RouteFacts): number[] | undefined {
  const envelope = route.config?.envelope;
  if (!envelope) return undefined;
  const statuses = new Set<number>(envelope.refusals ?? []);
  const methods = typeof route.method === 'string' ? [route.method] : route.method;
  // Fastify reads a body before any hook runs: unreadable, oversized or non-JSON bodies fail first.
  if (methods.some((method) => BODY_METHODS.has(method))) for (const status of [400, 413, 415]) statuses.add(status);
  // The signature or the console token (management-auth.ts), the end user's token (user-route.ts).
  if (route.config?.auth === 'management') for (const status of [401, 403]) statuses.add(status);
  if (route.config?.auth === 'user') statuses.add(401);
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

/** Where an operation keeps its error statuses between `transform` and `transformObject`. */
const MARK = 'x-error-statuses';

/** Business errors are answered HTTP 200 (error-handler.ts): the 200 answer says so, briefly, at every operation. */
const OK_DESCRIPTION = 'The envelope (business errors too: see ErrorEnvelope)';

/** @fastify/swagger's `transform`: marks each envelope operation with its error statuses. */
export const markErrorStatuses: SwaggerTransform = ({ schema, url, route }) => {
  const statuses = errorStatuses(route);
  return { schema: statuses ? { ...schema, [MARK]: statuses } : schema, url };
};

type Operation = { responses?: Record<string, Record<string, unknown>>; [MARK]?: number[] };
type OpenApi = { paths?: Record<string, Record<string, Operation>>; components?: { responses?: Record<string, unknown> } };

/**
 * @fastify/swagger's `transformObject`: turns each mark into references to the shared error
 * answers, each of which is an ErrorEnvelope, and lists those answers once under
 * `components.responses`.
 */
export const documentErrorAnswers: SwaggerTransformObject = (documentObject) => {
  if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
  const document = documentObject.openapiObject as OpenApi;
  const used = new Set<number>();
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      const statuses = operation[MARK];
      if (!statuses) continue;
      delete operation[MARK];
      const responses = (operation.responses ??= {});
      if (responses['200']) responses['200'] = { ...responses['200'], description: OK_DESCRIPTION };
      for (const status of statuses) {
        const answer = RESPONSES[status];
        if (!answer) throw new Error(`no error answer is described for HTTP ${status}`);
        responses[String(status)] = { $ref: `#/components/responses/${answer.name}` };
        used.add(status);
      }
    }
  }
  const shared: Record<string, unknown> = {};
  for (const status of [...used].sort((a, b) => a - b)) {
    const { name, description, headers } = RESPONSES[status];
    shared[name] = {
      description,
      ...(headers ? { headers } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  document.components = { ...document.components, responses: { ...document.components?.responses, ...shared } };
  return documentObject.openapiObject;
};
