import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { Deps } from '../../services/context.js';
import type { ScimContext } from '../../services/scim/context.js';
import { fromAppError, invalidSyntax, invalidValue, ScimError, toScimBody, unauthorizedScim } from '../../services/scim/errors.js';
import type { ScimTokenResolver } from '../../services/scim/tokens.js';
import { recordRequest } from '../../services/audit.js';
import { describeValidation } from '../../server/error-handler.js';
import { guardedJsonParser } from '../../server/input-guards.js';

declare module 'fastify' {
  interface FastifyRequest {
    scim?: ScimContext & { tokenId: string };
  }
  interface FastifyContextConfig {
    /** The admin audit action of a SCIM write, e.g. `create-user`. */
    scimAction?: string;
  }
}

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function sendError(reply: FastifyReply, error: ScimError): FastifyReply {
  if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="scim"');
  return reply.code(error.status).type(SCIM_CONTENT_TYPE).send(toScimBody(error));
}

function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/scim/v2`;
}

/**
 * What every SCIM route shares, inside the `/scim/v2` prefix only: bearer-token authentication
 * (the token decides the pool), the `application/scim+json` body type, errors in the SCIM error
 * format, and an admin audit entry for every write with the token as actor.
 */
export function registerScimPlumbing(app: FastifyInstance, deps: Deps, resolveToken: ScimTokenResolver): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, guardedJsonParser(json));

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw unauthorizedScim('missing bearer token: send "Authorization: Bearer <token>" with a token from `userpool scim-token create`');
    const owner = await resolveToken(match[1]);
    if (!owner) throw unauthorizedScim('unknown or revoked SCIM token');
    // Fastify reads text/plain too; SCIM bodies are JSON, under either media type.
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type && !['application/json', 'application/scim+json'].includes(type) && ['POST', 'PUT', 'PATCH'].includes(request.method)) {
      throw new ScimError(415, undefined, `content-type ${type} is not accepted: send application/scim+json or application/json`);
    }
    request.scim = {
      tokenId: owner.tokenId,
      baseUrl: baseUrlOf(request),
      scope: { ...deps, poolId: owner.poolId, actor: `scim-token:${owner.tokenId}`, requestId: request.id },
    };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const action = request.routeOptions.config.scimAction;
    if (!action || !request.scim || request.method === 'GET') return payload;
    const ok = reply.statusCode < 300;
    let detail: string | undefined;
    if (!ok && typeof payload === 'string') {
      try {
        detail = (JSON.parse(payload) as { detail?: string }).detail;
      } catch {
        detail = undefined;
      }
    }
    const id = (request.params as { id?: string } | undefined)?.id;
    const created = ok && request.method === 'POST' && typeof payload === 'string' ? (JSON.parse(payload) as { id?: string }).id : undefined;
    const targetId = id ?? created;
    try {
      await recordRequest(
        deps.db,
        request.scim.scope,
        {
          action,
          targetType: action.endsWith('group') ? 'group' : 'user',
          targetIds: targetId ? [targetId] : [],
          detail: { protocol: 'scim', method: request.method, path: request.url.split('?')[0], status: reply.statusCode },
        },
        { statusCode: ok ? 200 : reply.statusCode, message: ok ? undefined : detail },
        { clientIp: request.ip, userAgent: request.headers['user-agent'] },
      );
    } catch (error) {
      request.log.error({ err: error, action }, 'could not record the admin audit entry of a SCIM write');
    }
    return payload;
  });

  app.setErrorHandler((error: FastifyError | AppError | ScimError, request, reply) => {
    if (error instanceof ScimError) return sendError(reply, error);
    if (error instanceof AppError) return sendError(reply, fromAppError(error));
    const fe = error as FastifyError;
    if (fe.validation) return sendError(reply, invalidValue(describeValidation(fe.validation, fe.validationContext)));
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, new ScimError(413, undefined, 'request body is larger than 1 MiB'));
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, new ScimError(415, undefined, 'content-type must be application/scim+json or application/json'));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return sendError(reply, invalidSyntax(`malformed request: ${fe.message}`));
    request.log.error({ err: error }, 'unexpected failure in a SCIM request');
    return sendError(reply, new ScimError(500, undefined, `internal error; quote request id ${request.id} when reporting it`));
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, new ScimError(404, undefined, `no SCIM endpoint ${request.method} ${request.url.split('?')[0]}`));
  });
}

/** The SCIM context of an authenticated request (set by the onRequest hook). */
export const ctx = (request: FastifyRequest): ScimContext => request.scim!;
