import type { Db, Tx } from '../store/database.js';
import * as store from '../store/audit.js';
import type { AuditRow } from '../store/audit.js';
import { newId } from '../lib/ids.js';
import { nowIso, opt, parseJson, toJson } from '../store/values.js';
import { badRequest } from '../errors.js';
import type { Scope } from './context.js';

/** Who acts and where, as the audit log records it. */
export type AuditScope = Pick<Scope, 'poolId' | 'actor' | 'requestId' | 'actorType' | 'actorName'>;

export interface AuditEntry {
  /** The route name, e.g. `resign-user`. */
  action: string;
  targetType?: string;
  targetIds?: string[];
  /** JSON-serialisable detail, e.g. a snapshot of the relations a resignation removed. */
  detail?: unknown;
}

export interface AuditOutcome {
  statusCode: number;
  apiCode?: number;
  message?: string;
}

export interface AuditClient {
  clientIp?: string;
  userAgent?: string;
}

/** GenAuth's operationType, from the verb that starts the route name. */
const OPERATION_OF_VERB: Record<string, string> = {
  create: 'create', update: 'update', set: 'update', change: 'update', reset: 'update', transfer: 'update', link: 'add', unlink: 'remove',
  delete: 'delete', remove: 'remove', revoke: 'remove', unbind: 'remove', kick: 'remove', add: 'add', assign: 'add', bind: 'add',
  authorize: 'add', resign: 'resign', import: 'import', sync: 'sync', invite: 'invite', enable: 'enable', disable: 'disable',
};

export function operationTypeOf(action: string): string {
  return OPERATION_OF_VERB[action.split('-')[0]] ?? 'update';
}

/** GenAuth's resourceType, from the noun in the route name (first match wins). */
const RESOURCE_OF_NOUN: Array<[RegExp, string]> = [
  [/public-account/, 'user'],
  [/namespace/, 'resourceNamespace'],
  [/role/, 'role'],
  [/group/, 'userGroup'],
  [/department|organization|member|post/, 'org'],
  [/authoriz|resource/, 'resource'],
  [/application|app-/, 'application'],
  [/ext-idp|identity|sync-relation/, 'user'],
  [/user/, 'user'],
];

export function resourceTypeOf(action: string): string {
  return RESOURCE_OF_NOUN.find(([pattern]) => pattern.test(action))?.[1] ?? 'userpool';
}

function auditRow(scope: AuditScope, entry: AuditEntry, outcome: AuditOutcome, client: AuditClient): AuditRow {
  return {
    id: newId(),
    pool_id: scope.poolId,
    actor: scope.actor,
    actor_type: scope.actorType ?? null,
    actor_name: scope.actorName ?? null,
    action: entry.action,
    operation_type: operationTypeOf(entry.action),
    resource_type: resourceTypeOf(entry.action),
    target_type: entry.targetType ?? null,
    target_ids: toJson(entry.targetIds ?? []),
    request_id: scope.requestId,
    success: outcome.statusCode === 200 ? 1 : 0,
    status_code: outcome.statusCode,
    api_code: outcome.apiCode ?? null,
    message: outcome.message ?? null,
    detail: entry.detail === undefined ? null : toJson(entry.detail),
    client_ip: client.clientIp ?? null,
    user_agent: client.userAgent ?? null,
    created_at: nowIso(),
  };
}

/**
 * Records a successful action inside the caller's transaction, with whatever detail it needs:
 * the entry commits with the change or not at all. The request's audit hook then sees the
 * entry and does not record the request a second time.
 */
export async function recordAudit(trx: Tx, scope: AuditScope, entry: AuditEntry): Promise<void> {
  await recordAudits(trx, scope, [entry]);
}

/** recordAudit for several entries at once (one per user of a batch). */
export async function recordAudits(trx: Tx, scope: AuditScope, entries: AuditEntry[]): Promise<void> {
  await store.insertAuditLogs(trx, entries.map((entry) => ({ row: auditRow(scope, entry, { statusCode: 200 }, {}), targetIds: entry.targetIds ?? [] })));
}

/**
 * Called once per management write when its answer is known. Entries the service already
 * recorded get the client's address; otherwise one entry records the outcome, failures included.
 */
export async function recordRequest(db: Db, scope: AuditScope, entry: AuditEntry, outcome: AuditOutcome, client: AuditClient): Promise<void> {
  if ((await store.attachClient(db, scope.poolId, scope.requestId, client.clientIp ?? null, client.userAgent ?? null)) > 0) return;
  const row = auditRow(scope, entry, outcome, client);
  await db.transaction().execute((trx) => store.insertAuditLog(trx, row, entry.targetIds ?? []));
}

export interface ListAuditInput {
  requestId?: string;
  clientIp?: string;
  operationType?: string;
  resourceType?: string;
  userId?: string;
  success?: boolean;
  start?: number;
  end?: number;
  action?: string;
  targetId?: string;
  pagination?: { page?: number; limit?: number };
}

function timeBound(value: number | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest(`${field}: not a timestamp in milliseconds`);
  return date.toISOString();
}

/** Rows written before actor types were recorded: SCIM tokens are recognisable by their actor. */
const actorTypeOf = (row: AuditRow) => row.actor_type ?? (row.actor.startsWith('scim-token:') ? 'scim_token' : 'access_key');

function toView(row: AuditRow) {
  const targetIds = parseJson<string[]>(row.target_ids, []);
  return {
    adminUserId: row.actor,
    adminUserAvatar: '',
    adminUserDisplayName: row.actor_name ?? row.actor,
    clientIp: opt(row.client_ip),
    operationType: row.operation_type,
    resourceType: row.resource_type,
    eventDetails: row.message ?? `${row.action} ${row.success ? 'succeeded' : 'failed'}`,
    operationParam: toJson({ targetType: row.target_type, targetIds }),
    success: row.success === 1,
    userAgent: row.user_agent ?? '',
    ua: { device: '', name: '', os: '' },
    geoip: {},
    timestamp: row.created_at,
    requestId: row.request_id,
    // Userpool's own fields: who acted, the exact route, the targets and the full outcome.
    actorType: actorTypeOf(row),
    actorName: opt(row.actor_name),
    action: row.action,
    targetType: opt(row.target_type),
    targetIds,
    statusCode: row.status_code,
    apiCode: opt(row.api_code),
    message: opt(row.message),
    detail: row.detail === null ? undefined : parseJson<unknown>(row.detail, null),
  };
}

export type AuditLogView = ReturnType<typeof toView>;

export async function listAuditLogs(scope: Scope, input: ListAuditInput): Promise<{ list: AuditLogView[]; totalCount: number }> {
  const page = Number(input.pagination?.page ?? 1);
  const limit = Number(input.pagination?.limit ?? 10);
  if (!Number.isInteger(page) || page < 1) throw badRequest('pagination.page: must be an integer from 1');
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw badRequest('pagination.limit: must be an integer from 1 to 50');
  const all = (v: string | undefined) => (v === 'all' ? undefined : v || undefined);
  const { rows, total } = await store.listAuditLogs(scope.db, scope.poolId, {
    requestId: input.requestId || undefined,
    clientIp: input.clientIp || undefined,
    operationType: all(input.operationType),
    resourceType: all(input.resourceType),
    action: input.action || undefined,
    subjectId: input.userId || undefined,
    targetId: input.targetId || undefined,
    success: input.success,
    from: timeBound(input.start, 'start'),
    to: timeBound(input.end, 'end'),
    offset: (page - 1) * limit,
    limit,
  });
  return { list: rows.map(toView), totalCount: total };
}
