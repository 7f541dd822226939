import { randomUUID } from 'node:crypto';
import { newId } from '../lib/ids.js';
import * as store from '../store/scheduled-resignations.js';
import type { ScheduleRow } from '../store/scheduled-resignations.js';
import type { ScheduleStatus } from '../store/tables/scheduled.js';
import { nowIso } from '../store/values.js';
import { ApiCode, AppError, badRequest, conflict, notFound } from '../errors.js';
import type { Deps, Scope } from './context.js';
import { resolveAllUsers, checkUserIdType } from './user-resolver.js';
import type { UserIdType } from './user-fields.js';
import { recordAudit } from './audit.js';
import { resignScheduled, type AccountKind } from './lifecycle.js';

export const SCHEDULE_STATUSES: ScheduleStatus[] = ['pending', 'done', 'cancelled', 'superseded', 'failed'];
/** Schedules performed per transaction by one worker pass. */
const CLAIM_BATCH = 50;
const MAX_AHEAD_MS = 10 * 366 * 86_400_000;

function toView(row: ScheduleRow) {
  return {
    scheduleId: row.id,
    userId: row.user_id,
    identifier: row.identifier,
    // Both were checked when the schedule was written.
    userIdType: row.id_type as UserIdType,
    accountType: row.account_kind as AccountKind,
    resignAt: row.resign_at,
    status: row.status,
    scheduledBy: { actorType: row.actor_type ?? 'access_key', actor: row.actor, actorName: row.actor_name ?? undefined },
    requestId: row.request_id,
    performedRequestId: row.performed_request_id ?? undefined,
    performedBy: row.performed_by ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    error: row.error ?? undefined,
    createdAt: row.created_at,
  };
}
export type ScheduleView = ReturnType<typeof toView>;

function resignAtOf(value: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) throw badRequest(`resignAt: "${value}" is not an ISO-8601 date and time (e.g. 2027-01-31T17:00:00Z)`);
  if (ms <= Date.now()) throw badRequest(`resignAt: ${new Date(ms).toISOString()} is not in the future; use resign-user-batch to resign now`);
  if (ms - Date.now() > MAX_AHEAD_MS) throw badRequest('resignAt: more than ten years ahead');
  return new Date(ms).toISOString();
}

/**
 * Schedules the resignation of up to 50 people at `resignAt`, all or nothing: every identifier
 * resolves, nobody has resigned already and nobody has a pending schedule, or nothing is written.
 */
export async function scheduleResignation(scope: Scope, input: { userIds: string[]; userIdType?: string; resignAt: string; accountType?: AccountKind }): Promise<{ list: ScheduleView[] }> {
  const idType = checkUserIdType(input.userIdType);
  const resignAt = resignAtOf(input.resignAt);
  const kind = input.accountType ?? 'user';
  return scope.db.transaction().execute(async (trx) => {
    const resolved = await resolveAllUsers(trx, scope.poolId, input.userIds, idType, 'userIds');
    const resigned = input.userIds.filter((_, i) => resolved[i].status === 'Resigned');
    if (resigned.length) throw badRequest(`userIds: ${resigned.map((id) => `"${id}"`).join(', ')} already resigned`, ApiCode.USER_RESIGNED);
    if (kind === 'public_account') {
      const people = input.userIds.filter((_, i) => resolved[i].account_type !== 'public_account');
      if (people.length) throw badRequest(`userIds: ${people.map((id) => `"${id}"`).join(', ')} not public accounts (accountType public_account)`);
    }
    const seen = new Set<string>();
    const twice = input.userIds.filter((_, i) => seen.size === seen.add(resolved[i].id).size);
    if (twice.length) throw badRequest(`userIds: ${twice.map((id) => `"${id}"`).join(', ')} name a person given earlier in the list`);
    const existing = await store.findPending(trx, scope.poolId, resolved.map((u) => u.id));
    if (existing.length) {
      throw conflict(`userIds: already scheduled (cancel that first): ${existing.map((e) => `"${e.identifier}" at ${e.resign_at} (scheduleId ${e.id})`).join(', ')}`);
    }
    const now = nowIso();
    const rows: ScheduleRow[] = resolved.map((user, i) => ({
      id: newId(), pool_id: scope.poolId, user_id: user.id, identifier: input.userIds[i], id_type: idType, account_kind: kind, resign_at: resignAt, status: 'pending',
      actor: scope.actor, actor_type: scope.actorType ?? 'access_key', actor_name: scope.actorName ?? null, request_id: scope.requestId,
      performed_request_id: null, performed_by: null, finished_at: null, error: null, created_at: now, updated_at: now,
    }));
    await store.insertSchedules(trx, rows);
    await recordAudit(trx, scope, { action: 'schedule-resignation', targetType: 'user', targetIds: rows.map((r) => r.user_id), detail: { resignAt, scheduleIds: rows.map((r) => r.id) } });
    return { list: rows.map(toView) };
  });
}

export async function listScheduledResignations(scope: Scope, input: { status?: string[]; userIds?: string[]; page?: number; limit?: number }): Promise<{ list: ScheduleView[]; totalCount: number }> {
  const bad = (input.status ?? []).find((s) => !(SCHEDULE_STATUSES as string[]).includes(s));
  if (bad !== undefined) throw badRequest(`status: unknown status "${bad}"; expected ${SCHEDULE_STATUSES.join(', ')}`);
  const page = input.page ?? 1;
  const limit = input.limit ?? 10;
  const { rows, total } = await store.listSchedules(scope.db, scope.poolId, { status: input.status as ScheduleStatus[] | undefined, userIds: input.userIds, offset: (page - 1) * limit, limit });
  return { list: rows.map(toView), totalCount: total };
}

/** Cancels pending schedules, all or nothing: an id that is unknown or no longer pending is named and nothing changes. */
export async function cancelScheduledResignation(scope: Scope, scheduleIds: string[]): Promise<{ list: ScheduleView[] }> {
  return scope.db.transaction().execute(async (trx) => {
    const unique = [...new Set(scheduleIds)];
    const found = new Map((await store.findByIds(trx, scope.poolId, unique)).map((r) => [r.id, r]));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length) throw notFound(`scheduleIds: no scheduled resignation ${missing.map((id) => `"${id}"`).join(', ')} in this user pool`);
    const over = unique.filter((id) => found.get(id)!.status !== 'pending');
    if (over.length) throw conflict(`scheduleIds: ${over.map((id) => `"${id}" is ${found.get(id)!.status}`).join(', ')}; only pending ones can be cancelled`);
    const cancelled = await store.cancel(trx, scope.poolId, unique, nowIso());
    if (cancelled.length !== unique.length) throw conflict('scheduleIds: a schedule was performed meanwhile; nothing was cancelled');
    await recordAudit(trx, scope, { action: 'cancel-scheduled-resignation', targetType: 'user', targetIds: cancelled.map((r) => r.user_id), detail: { scheduleIds: unique } });
    return { list: cancelled.map(toView) };
  });
}

/** Claims due schedules and performs them in the claiming transaction; answers how many were performed. */
async function performClaim(deps: Deps, by: string, onlyId?: string): Promise<number> {
  const requestId = randomUUID();
  const { claimed, resigned } = await deps.db.transaction().execute(async (trx) => {
    const rows = await store.claimDue(trx, deps.dialect, nowIso(), onlyId ? 1 : CLAIM_BATCH, { by, requestId }, onlyId);
    let count = 0;
    for (const poolId of new Set(rows.map((r) => r.pool_id))) {
      const scope: Scope = { ...deps, poolId, actor: 'scheduler', actorType: 'system', requestId };
      count += (await resignScheduled(trx, scope, rows.filter((r) => r.pool_id === poolId))).filter((o) => o.resigned).length;
    }
    return { claimed: rows.length, resigned: count };
  });
  if (resigned) deps.observer?.resigned(resigned);
  return claimed;
}

/**
 * One pass of the scheduler: performs every due schedule, a batch per transaction. When a batch
 * is refused, its rows are tried one by one so one bad row does not hold the others back; a row
 * refused on its own is marked failed with the reason (and shows in list-scheduled-resignations).
 */
export async function performDueResignations(deps: Deps, by: string): Promise<number> {
  let performed = 0;
  for (;;) {
    let claimed: number;
    try {
      claimed = await performClaim(deps, by);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      claimed = await performOneByOne(deps, by);
    }
    performed += claimed;
    if (claimed < CLAIM_BATCH) return performed;
  }
}

async function performOneByOne(deps: Deps, by: string): Promise<number> {
  let performed = 0;
  for (const row of await store.dueIds(deps.db, nowIso(), CLAIM_BATCH)) {
    try {
      performed += await performClaim(deps, by, row.id);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await store.markFailed(deps.db, row.id, error.message, nowIso());
    }
  }
  return performed;
}
