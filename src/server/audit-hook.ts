import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordRequest, type AuditEntry } from '../services/audit.js';

interface EnvelopeLike {
  statusCode?: number;
  apiCode?: number;
  message?: string;
  data?: unknown;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/**
 * The targets a request names, when they are plain ids: ids in the answer first (create-user
 * returns the new id; update-user the resolved one), else the ids in the body when they are
 * user ids (not emails or phones given with another userIdType).
 */
function targetsOf(body: Record<string, unknown>, data: unknown): Pick<AuditEntry, 'targetType' | 'targetIds'> {
  const items = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : [];
  const answered = items.flatMap((item) => strings((item as Record<string, unknown>).userId));
  if (answered.length) return { targetType: 'user', targetIds: answered };
  const options = (body.options ?? {}) as Record<string, unknown>;
  const idType = body.userIdType ?? options.userIdType;
  if (idType === undefined || idType === 'user_id') {
    const users = [...strings(body.userId), ...strings(body.userIds), ...strings(body.publicAccountId), ...strings(body.publicAccountIds)];
    if (users.length) return { targetType: 'user', targetIds: users };
  }
  for (const [key, type] of [['departmentId', 'department'], ['roleId', 'role'], ['groupId', 'group'], ['postId', 'post'], ['appId', 'application']] as const) {
    const ids = strings(body[key]);
    if (ids.length) return { targetType: type, targetIds: ids };
  }
  return {};
}

function actionOf(request: FastifyRequest): string {
  const url = request.routeOptions.url ?? '';
  return url.slice(url.lastIndexOf('/') + 1);
}

/**
 * Every management write leaves an admin audit entry: who (access key), what (route and
 * targets), when, the request id and the outcome, failures included. It runs in onSend, before
 * the answer leaves, so a client that reads the log right after its call finds the entry.
 * Requests that failed authentication have no pool or actor and are only in the request log.
 */
export function registerAuditHook(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config.audit !== 'write' || !request.scope) return payload;
    const action = actionOf(request);
    let answer: EnvelopeLike = {};
    try {
      answer = typeof payload === 'string' ? (JSON.parse(payload) as EnvelopeLike) : {};
    } catch {
      answer = {};
    }
    const statusCode = answer.statusCode ?? reply.statusCode;
    const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
    try {
      await recordRequest(
        request.scope.db,
        request.scope,
        { action, ...targetsOf(body, answer.data) },
        { statusCode, apiCode: answer.apiCode, message: statusCode === 200 ? undefined : answer.message },
        { clientIp: request.ip, userAgent: request.headers['user-agent'] },
      );
    } catch (error) {
      // The change itself is committed; failing the answer now would tell the client otherwise.
      request.log.error({ err: error, action }, 'could not record the admin audit entry');
    }
    return payload;
  });
}
