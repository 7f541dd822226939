import * as store from '../store/action-logs.js';
import * as users from '../store/users.js';
import * as applications from '../store/applications.js';
import { invalidParam } from '../messages/index.js';
import type { Scope } from './context.js';
import { resolveUser } from './user-resolver.js';

/** The event types GenAuth's UserActionLogDto names; Userpool records the first two kinds only (see README). */
const EVENT_TYPES = [
  'login', 'register', 'updateUserProfile', 'updateUserPassword', 'logout', 'verifyMfa', 'updateUserPrefile', 'updateUserEmail', 'updateUserPhone', 'bindMfa',
  'bindEmail', 'bindPhone', 'unbindPhone', 'unbindEmail', 'unbindMFA', 'refreshUserTokenBySelf', 'deleteAccount', 'verifyFirstLogin', 'securityResourceAccess',
];

export interface ActionLogInput {
  requestId?: string;
  clientIp?: string;
  eventType?: string;
  userId?: string;
  appId?: string;
  start?: number;
  end?: number;
  success?: boolean;
  pagination?: { page?: number; limit?: number };
}

function time(value: number | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!Number.isFinite(value) || Number.isNaN(date.getTime())) throw invalidParam(field, 'must be milliseconds since the epoch');
  return date.toISOString();
}

/**
 * get-user-action-logs: what users did with their accounts, newest first. Included are sign-ins
 * (successful and refused, from the login history: `login`, with the application and the refusal
 * reason as `eventDetail`) and a user's own registration (`register`), profile changes
 * (`updateUserProfile`) and password changes (`updateUserPassword`) from the audit log. What
 * administrators do to a user is in get-admin-audit-logs, not here.
 */
export async function getUserActionLogs(scope: Scope, input: ActionLogInput) {
  const page = Number(input.pagination?.page ?? 1);
  const limit = Number(input.pagination?.limit ?? 10);
  if (!Number.isInteger(page) || page < 1 || page > 10_000_000) throw invalidParam('pagination.page', 'must be a whole number from 1');
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw invalidParam('pagination.limit', 'must be a whole number from 1 to 50');
  if (input.eventType !== undefined && !EVENT_TYPES.includes(input.eventType)) throw invalidParam('eventType', `unknown event type "${input.eventType}"`);
  const userId = input.userId ? (await resolveUser(scope.db, scope.poolId, input.userId, 'user_id')).id : undefined;
  const { rows, total } = await store.listActionLogs(scope.db, scope.poolId, {
    userId, appId: input.appId, clientIp: input.clientIp, requestId: input.requestId, eventTypes: input.eventType ? [input.eventType] : undefined,
    success: input.success, from: time(input.start, 'start'), to: time(input.end, 'end'), offset: (page - 1) * limit, limit,
  });
  const people = new Map((await users.findManyBy(scope.db, scope.poolId, 'id', [...new Set(rows.map((r) => r.user_id))])).map((u) => [u.id, u]));
  const apps = new Map((await applications.findApplications(scope.db, scope.poolId, [...new Set(rows.map((r) => r.app_id).filter((id): id is string => Boolean(id)))])).map((a) => [a.id, a]));
  return {
    totalCount: total,
    list: rows.map((r) => {
      const u = people.get(r.user_id);
      const app = r.app_id ? apps.get(r.app_id) : undefined;
      return {
        userId: r.user_id,
        userAvatar: u?.photo ?? '',
        userDisplayName: (u && (u.nickname || u.username || u.name || u.given_name || u.family_name || u.email || u.phone)) || r.user_id,
        userLoginsCount: Number(u?.logins_count ?? 0),
        appId: r.app_id ?? '',
        appName: app?.app_name ?? '',
        appLoginUrl: app?.init_login_uri ?? '',
        appLogo: app?.app_logo ?? '',
        clientIp: r.client_ip ?? undefined,
        eventType: r.event_type,
        eventDetail: r.event_detail ?? undefined,
        success: Number(r.success) === 1 || (r.success as unknown) === true,
        userAgent: r.user_agent ?? '',
        timestamp: r.created_at,
        requestId: r.request_id ?? '',
      };
    }),
  };
}
