import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ApiCode, AppError, type Lang } from '../errors.js';
import { errorEnvelope } from './envelope.js';

interface ValidationItem {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "email: must match format \"email\"", naming the field the way the client sent it. */
export function describeValidation(items: ValidationItem[], context: string | undefined): string {
  const parts = items.map((item) => {
    const base = (item.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (item.keyword === 'required' && item.params?.missingProperty) {
      const field = [base, String(item.params.missingProperty)].filter(Boolean).join('.');
      return `${field}: is required`;
    }
    if (item.keyword === 'additionalProperties' && item.params?.additionalProperty) {
      const field = [base, String(item.params.additionalProperty)].filter(Boolean).join('.');
      return `${field}: is not a known field`;
    }
    if (item.keyword === 'enum' && Array.isArray(item.params?.allowedValues)) {
      return `${base || context}: must be one of ${(item.params.allowedValues as unknown[]).join(', ')}`;
    }
    return `${base || context}: ${item.message ?? 'is invalid'}`;
  });
  return `invalid ${context ?? 'request'}: ${[...new Set(parts)].join('; ')}`;
}

/**
 * The cloud's wording for a request its schema refuses: `参数 <field> 格式错误`, naming the
 * innermost field (the cloud says `limit`, not `options.pagination.limit`), and
 * `limit must less than N` for a page size above the maximum, word for word as the cloud answers.
 */
export function describeValidationZh(items: ValidationItem[], context: string | undefined): string {
  const first = items[0] ?? {};
  const path = (first.instancePath ?? '').split('/').filter((part) => part !== '' && !/^\d+$/.test(part));
  const named =
    first.keyword === 'required' && first.params?.missingProperty ? String(first.params.missingProperty) : path[path.length - 1] ?? context ?? 'request';
  if (named === 'limit' && first.keyword === 'maximum' && first.params?.limit !== undefined) return `limit must less than ${String(first.params.limit)}`;
  return `参数 ${named} 格式错误`;
}

/** The language the caller asks for: the SDK sends `x-authing-lang` (zh-CN unless told otherwise). */
export function langOf(request: FastifyRequest): Lang {
  return request.headers['x-authing-lang'] === 'zh-CN' ? 'zh-CN' : 'en-US';
}

/**
 * Turns every failure into the envelope. Business errors answer HTTP 200 with the status in the
 * body, as GenAuth does; authentication and transport failures keep their HTTP status; anything
 * unexpected is logged with its stack and answered 500 without one.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      // Business errors answer HTTP 200, so the request log line alone would call them a success.
      request.log.info({ statusCode: error.statusCode, apiCode: error.apiCode }, error.message);
      return reply.code(error.httpStatus).send(errorEnvelope(request.id, error.statusCode, error.messageIn(langOf(request)), error.apiCode));
    }
    const fe = error as FastifyError;
    if (fe.validation && request.routeOptions.config?.oauth) {
      const message = describeValidation(fe.validation as ValidationItem[], fe.validationContext);
      request.log.info({ statusCode: 400 }, message);
      return reply.code(400).header('cache-control', 'no-store').send({ error: 'invalid_request', error_description: message });
    }
    if (fe.validation) {
      const items = fe.validation as ValidationItem[];
      const message = describeValidation(items, fe.validationContext);
      request.log.info({ statusCode: 400, apiCode: ApiCode.VALIDATION }, message);
      const answer = langOf(request) === 'zh-CN' ? describeValidationZh(items, fe.validationContext) : message;
      return reply.code(200).send(errorEnvelope(request.id, 400, answer, ApiCode.VALIDATION));
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorEnvelope(request.id, 413, 'request body is larger than 1 MiB', ApiCode.BODY_TOO_LARGE));
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send(errorEnvelope(request.id, 415, 'content-type must be application/json', ApiCode.MALFORMED_BODY));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const message = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? `malformed JSON body: ${fe.message}` : fe.message;
      return reply.code(fe.statusCode).send(errorEnvelope(request.id, fe.statusCode, message, ApiCode.MALFORMED_BODY));
    }
    request.log.error({ err: error }, 'unexpected failure');
    return reply
      .code(500)
      .send(errorEnvelope(request.id, 500, `internal error; quote request id ${request.id} when reporting it`, ApiCode.INTERNAL));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorEnvelope(request.id, 404, `no route ${request.method} ${request.url.split('?')[0]}`, ApiCode.ROUTE_NOT_FOUND));
  });
}
