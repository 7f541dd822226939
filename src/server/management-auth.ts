import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiCode, unauthorized } from '../errors.js';
import type { Deps, Scope } from '../services/context.js';
import { authenticateAdmin } from '../services/administrators.js';
import type { NonceStore } from './nonce-store.js';
import { parseAuthorization, verifySignature } from './signature.js';

declare module 'fastify' {
  interface FastifyRequest {
    scope?: Scope;
  }
  interface FastifyContextConfig {
    auth?: 'management' | 'none' | 'user';
    /** Whether a management route changes data (and so leaves an admin audit entry) or only reads. */
    audit?: 'read' | 'write';
    /** An OAuth endpoint: bad input is answered `400 { error: 'invalid_request' }` (RFC 6749 §5.2), not the envelope. */
    oauth?: boolean;
  }
}

export interface ManagementAuthOptions {
  deps: Deps;
  resolveKey: (keyId: string) => Promise<{ poolId: string; secret: string } | undefined>;
  nonces: NonceStore;
  maxSkewSeconds: number;
}

function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Array params the route's query schema declares that did not arrive (axios drops empty arrays). */
function absentArrayParams(request: FastifyRequest, given: Record<string, unknown>): string[] {
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: unknown }> } | undefined;
  const properties = schema?.properties ?? {};
  const acceptsArray = (schema: { type?: unknown; anyOf?: Array<{ type?: unknown }> } | undefined): boolean =>
    schema?.type === 'array' || Boolean(schema?.anyOf?.some((option) => option.type === 'array'));
  return Object.keys(properties).filter((name) => acceptsArray(properties[name]) && !(name in given));
}

/**
 * Verifies the SDK's request signature, or, with `Authorization: Bearer <token>`, an
 * administrator's console access token (checked in full at every call). It runs as `preValidation`, on the body and query as
 * they arrived, because validation may coerce, default or strip the fields that were signed.
 * Order matters: the signature is checked before the nonce is claimed, so unsigned traffic
 * cannot burn the nonces of genuine requests.
 */
export function registerManagementAuth(app: FastifyInstance, options: ManagementAuthOptions): void {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.auth !== 'management') return;
    const header = request.headers.authorization;
    // An administrator in the console calls with their access token instead of a signature.
    if (typeof header === 'string' && /^bearer\s/i.test(header)) {
      request.scope = await authenticateAdmin(options.deps, header, request.id);
      return;
    }
    const parsed = parseAuthorization(typeof header === 'string' ? header : undefined);
    if (!parsed) throw unauthorized('missing or malformed authorization header: expected "authing <accessKeyId>:<signature>" or "Bearer <console access token>"', ApiCode.NOT_SIGNED_IN);

    const key = await options.resolveKey(parsed.keyId);
    if (!key) throw unauthorized('unknown or revoked access key', ApiCode.ACCESS_KEY_UNKNOWN);

    const params = (request.method === 'GET' ? request.query : request.body) ?? {};
    const given = typeof params === 'object' ? (params as Record<string, unknown>) : {};
    const valid = verifySignature(
      key.secret,
      parsed.signature,
      { method: request.method, path: pathOf(request), headers: request.headers, params: given },
      request.method === 'GET' ? absentArrayParams(request, given) : [],
    );
    if (!valid) throw unauthorized('signature does not match the request', ApiCode.SIGNATURE_INVALID);

    const date = Date.parse(String(request.headers.date ?? ''));
    if (Number.isNaN(date)) throw unauthorized('missing or unreadable date header', ApiCode.SIGNATURE_STALE);
    if (Math.abs(Date.now() - date) > options.maxSkewSeconds * 1000) {
      throw unauthorized(`date header is more than ${options.maxSkewSeconds} seconds off the server clock`, ApiCode.SIGNATURE_STALE);
    }

    const nonce = request.headers['x-authing-signature-nonce'];
    if (typeof nonce !== 'string' || nonce.length < 8 || nonce.length > 128) {
      throw unauthorized('missing or malformed x-authing-signature-nonce header', ApiCode.SIGNATURE_INVALID);
    }
    // Twice the skew: a request dated at the far edge of the window must stay refused until it
    // would be refused as stale anyway.
    if (!(await options.nonces.claim(parsed.keyId, nonce, options.maxSkewSeconds * 2000))) {
      throw unauthorized('x-authing-signature-nonce was already used', ApiCode.SIGNATURE_REPLAYED);
    }

    request.scope = { ...options.deps, poolId: key.poolId, actor: parsed.keyId, actorType: 'access_key', requestId: request.id };
  });
}
