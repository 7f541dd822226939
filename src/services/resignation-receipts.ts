import * as store from '../store/audit.js';
import type { AuditRow } from '../store/audit.js';
import { parseJson } from '../store/values.js';
import { emptySnapshot, type RelationSnapshot } from '../store/user-relations.js';
import { badRequest } from '../errors.js';
import { csvCell } from '../lib/csv.js';
import type { Scope } from './context.js';

/** Every action that resigns someone; each leaves one audit entry per person, its receipt. */
export const RESIGN_ACTIONS = ['resign-user', 'resign-user-batch', 'resign-public-account-batch', 'resign-user-scheduled'];
const MAX_RECEIPTS = 500;

export interface ResignationReceipt {
  receiptId: string;
  userId: string;
  requestId: string;
  action: string;
  actorType: string;
  actor: string;
  actorName?: string;
  resignedAt: string;
  removed: RelationSnapshot;
  sessionsEnded: Array<{ sessionId: string; appId: string }>;
  signOnSessionsEnded: number;
  eventsQueued: Array<{ type: string; eventId: string }>;
  scheduleId?: string;
}

interface Detail {
  resignedAt?: string;
  removed?: RelationSnapshot;
  sessionsEnded?: ResignationReceipt['sessionsEnded'];
  signOnSessionsEnded?: number;
  eventsQueued?: ResignationReceipt['eventsQueued'];
  scheduleId?: string;
}

function toReceipt(row: AuditRow): ResignationReceipt {
  const detail = parseJson<Detail>(row.detail ?? '', {});
  const targets = parseJson<string[]>(row.target_ids, []);
  return {
    receiptId: row.id,
    userId: targets[0] ?? '',
    requestId: row.request_id,
    action: row.action,
    actorType: row.actor_type ?? (row.actor.startsWith('scim-token:') ? 'scim_token' : 'access_key'),
    actor: row.actor,
    actorName: row.actor_name ?? undefined,
    resignedAt: detail.resignedAt ?? row.created_at,
    removed: { ...emptySnapshot(), ...(detail.removed ?? {}) },
    // Entries written before receipts existed have no session or event list: empty, not invented.
    sessionsEnded: detail.sessionsEnded ?? [],
    signOnSessionsEnded: detail.signOnSessionsEnded ?? 0,
    eventsQueued: detail.eventsQueued ?? [],
    scheduleId: detail.scheduleId,
  };
}

const CSV_COLUMNS = [
  'receiptId', 'userId', 'requestId', 'action', 'actorType', 'actor', 'actorName', 'resignedAt', 'departments', 'roles', 'groups', 'posts',
  'authorizations', 'publicAccounts', 'applicationAccess', 'sessionsEnded', 'signOnSessionsEnded', 'eventsQueued', 'scheduleId',
] as const;

/** One line per person: the counts, with the ids of what was removed joined by spaces. */
export function receiptsCsv(receipts: ResignationReceipt[]): string {
  const ids = <T>(list: T[], id: (item: T) => string) => list.map(id).join(' ');
  const lines = receipts.map((r) => [
    r.receiptId, r.userId, r.requestId, r.action, r.actorType, r.actor, r.actorName, r.resignedAt,
    ids(r.removed.departments, (d) => d.departmentId), ids(r.removed.roles, (x) => x.roleId), ids(r.removed.groups, (x) => x.groupId),
    ids(r.removed.posts, (x) => x.postId), ids(r.removed.authorizations, (x) => x.authorizationId),
    ids(r.removed.publicAccounts, (x) => `${x.publicAccountId}:${x.userId}`), ids(r.removed.applicationAccess, (x) => `${x.appId}:${x.effect}`),
    r.sessionsEnded.length, r.signOnSessionsEnded, ids(r.eventsQueued, (e) => e.eventId), r.scheduleId,
  ].map(csvCell).join(','));
  return [CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}

export interface ReceiptQuery {
  userIds?: string[];
  requestId?: string;
  format?: 'json' | 'csv';
}

/** The receipts of resignations, from the audit log: by the people resigned and/or by the request that did it. */
export async function getReceipts(scope: Scope, input: ReceiptQuery): Promise<{ list: ResignationReceipt[]; totalCount: number; csv?: string }> {
  if (!input.userIds?.length && !input.requestId) throw badRequest('userIds: give userIds or requestId (or both)');
  const rows = await store.findEntries(scope.db, scope.poolId, { actions: RESIGN_ACTIONS, targetIds: input.userIds, requestId: input.requestId, limit: MAX_RECEIPTS });
  const list = rows.map(toReceipt);
  return { list, totalCount: list.length, ...(input.format === 'csv' ? { csv: receiptsCsv(list) } : {}) };
}
