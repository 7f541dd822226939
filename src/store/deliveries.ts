import { sql } from 'kysely';
import type { Db, Dialect, Tx } from './database.js';
import type { DeliveriesTable, DeliveryAttemptsTable } from './tables/deliveries.js';
import type { EventOutboxTable } from './tables/audit.js';
import { insertRows } from './precompiled.js';

export type DeliveryRow = DeliveriesTable;
export type AttemptRow = DeliveryAttemptsTable;
export type OutboxRow = EventOutboxTable;

/**
 * `status = '<literal>'`: the partial indexes on deliveries (migration 0026) are chosen only when
 * the query names their status as a literal, never as a bound parameter.
 */
export const statusIs = (status: 'pending' | 'delivered' | 'dead') => sql<boolean>`status = ${sql.lit(status)}`;

/** Rows per INSERT: well inside SQLite's limit of bound parameters however many webhooks an event has. */
const DELIVERIES_PER_INSERT = 500;

/** Each batch size's statement is compiled once and reused (insertRows). */
export async function insertDeliveries(db: Db | Tx, rows: DeliveryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += DELIVERIES_PER_INSERT) await insertRows(db, 'deliveries', rows.slice(i, i + DELIVERIES_PER_INSERT));
}

/**
 * Takes up to `limit` outbox events not yet handed to delivery, oldest first, by stamping
 * `delivered_at` in the same statement. Writing first matters on SQLite: a transaction that reads
 * and only then writes cannot wait for a writer in another process (its snapshot is stale, so it
 * fails with "database is locked" at once), while one whose first statement writes waits for the
 * lock (busy_timeout) and reads the latest rows. On PostgreSQL rows another worker holds are
 * skipped, so two workers never fan out the same event.
 */
export async function takeUndispatchedEvents(trx: Tx, dialect: Dialect, limit: number, at: string): Promise<OutboxRow[]> {
  const due = undispatchedEvents(trx, dialect, limit);
  const rows = await trx.updateTable('event_outbox').set({ delivered_at: at }).where('id', 'in', due).returningAll().execute();
  // RETURNING keeps no order: deliveries are made in commit order.
  return rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The events the next take gets, oldest first: read in the order of event_outbox_pending_idx, never sorted. */
export function undispatchedEvents(db: Db | Tx, dialect: Dialect, limit: number) {
  const due = db.selectFrom('event_outbox').select('id').where('delivered_at', 'is', null).orderBy('created_at').orderBy('id').limit(limit);
  return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
}

/** The deliveries the next claim gets, soonest due first: read in the order of deliveries_pending_idx, never sorted. */
export function dueDeliveries(db: Db | Tx, dialect: Dialect, now: string, limit: number) {
  const due = db
    .selectFrom('deliveries')
    .select('id')
    .where(statusIs('pending'))
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit);
  return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
}

/**
 * Claims up to `limit` deliveries that are due and not claimed by a live worker, by stamping
 * `locked_until`: until then no other worker takes them. The lease outlasts the send's timeout,
 * so it only lapses when the claiming process died; then another worker sends again (the
 * receiver sees the same webhook-id and can drop the duplicate).
 */
export async function claimDue(db: Db | Tx, dialect: Dialect, now: string, leaseUntil: string, limit: number): Promise<DeliveryRow[]> {
  const due = dueDeliveries(db, dialect, now, limit);
  return db.updateTable('deliveries').set({ locked_until: leaseUntil }).where('id', 'in', due).returningAll().execute();
}

/** What an attempt changes; `next_attempt_at` only when another try is due (finished ones keep theirs). */
export type DeliveryUpdate = Pick<DeliveryRow, 'status' | 'attempts' | 'last_error' | 'finished_at'> & { next_attempt_at?: string };

/** Attempt rows per INSERT: each carries request headers and an answer, so a batch stays a modest statement. */
const ATTEMPTS_PER_INSERT = 100;

/**
 * Records attempts and their outcomes together, in the caller's transaction: one UPDATE per
 * distinct outcome (a batch of successful first tries settled at one instant is a single
 * statement) and one INSERT per hundred attempts, so the writer is held briefly however many
 * sends finished. A delivery deleted while it was being sent (its webhook was deleted) gets no
 * attempt row: the updates answer which deliveries still exist, and only theirs are inserted, so
 * one vanished delivery cannot make the whole batch fail on its foreign key again and again.
 */
export async function recordAttempts(trx: Tx, outcomes: Array<{ id: string; update: DeliveryUpdate; attempt: AttemptRow }>): Promise<void> {
  if (outcomes.length === 0) return;
  const groups = new Map<string, { update: DeliveryUpdate; ids: string[] }>();
  for (const { id, update } of outcomes) {
    const key = JSON.stringify([update.status, update.attempts, update.next_attempt_at ?? null, update.last_error, update.finished_at]);
    const group = groups.get(key);
    if (group) group.ids.push(id);
    else groups.set(key, { update, ids: [id] });
  }
  const present = new Set<string>();
  for (const { update, ids } of groups.values()) {
    const rows = await trx.updateTable('deliveries').set({ ...update, locked_until: null }).where('id', 'in', ids).returning('id').execute();
    for (const row of rows) present.add(row.id);
  }
  const attempts = outcomes.filter((o) => present.has(o.id)).map((o) => o.attempt);
  for (let i = 0; i < attempts.length; i += ATTEMPTS_PER_INSERT) {
    await insertRows(trx, 'delivery_attempts', attempts.slice(i, i + ATTEMPTS_PER_INSERT));
  }
}

/** The outbox events of the given ids (those still stored). */
export async function findEvents(db: Db | Tx, ids: string[]): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('event_outbox').selectAll().where('id', 'in', ids).execute();
}

export async function findDelivery(db: Db | Tx, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Dead deliveries become due again with a fresh count of attempts; ids and bodies are kept. Test sends are not sent again. */
export async function requeueDead(db: Db | Tx, filter: { poolId?: string; webhookId?: string; ids?: string[] }, now: string): Promise<number> {
  let query = db.updateTable('deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null, finished_at: null })
    .where(statusIs('dead'))
    .where('kind', '!=', 'webhook-test');
  if (filter.poolId) query = query.where('pool_id', '=', filter.poolId);
  if (filter.webhookId) query = query.where('webhook_id', '=', filter.webhookId);
  if (filter.ids) query = query.where('id', 'in', filter.ids.length ? filter.ids : ['']);
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

export async function countByStatus(db: Db, filter: { poolId?: string; webhookId?: string } = {}): Promise<Record<string, number>> {
  let query = db.selectFrom('deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
  if (filter.poolId) query = query.where('pool_id', '=', filter.poolId);
  if (filter.webhookId) query = query.where('webhook_id', '=', filter.webhookId);
  return Object.fromEntries((await query.execute()).map((r) => [r.status, Number(r.n)]));
}

/**
 * An attempt as the log shows it: with the body it sent, which is its delivery's, or, for a
 * delivery that stores none, its event's (rendered by the service in the delivery's content type).
 */
export type LoggedAttempt = AttemptRow & {
  request_body: string;
  delivery_kind: string;
  content_type: string;
  event: Pick<OutboxRow, 'id' | 'pool_id' | 'type' | 'payload' | 'request_id' | 'created_at'> | null;
};

export async function listAttempts(db: Db, poolId: string, webhookId: string, page: number, limit: number): Promise<{ rows: LoggedAttempt[]; total: number }> {
  const [found, count] = await Promise.all([
    db.selectFrom('delivery_attempts as a').innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
      .leftJoin('event_outbox as e', 'e.id', 'd.event_id')
      .selectAll('a').select(['d.body as request_body', 'd.kind as delivery_kind', 'd.content_type', 'e.id as e_id', 'e.pool_id as e_pool_id', 'e.type as e_type', 'e.payload as e_payload', 'e.request_id as e_request_id', 'e.created_at as e_created_at'])
      .where('a.pool_id', '=', poolId).where('a.webhook_id', '=', webhookId)
      .orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit).offset((page - 1) * limit).execute(),
    db.selectFrom('delivery_attempts').where('pool_id', '=', poolId).where('webhook_id', '=', webhookId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const rows = found.map(({ e_id, e_pool_id, e_type, e_payload, e_request_id, e_created_at, ...attempt }) => ({
    ...attempt,
    event: e_id === null ? null : { id: e_id, pool_id: e_pool_id!, type: e_type!, payload: e_payload!, request_id: e_request_id ?? null, created_at: e_created_at! },
  }));
  return { rows, total: Number(count.n) };
}

/** Rows removed per statement, so pruning a backlog never holds the writer for long. */
const BATCH = 2000;

/** Delivered deliveries finished before `before` (their attempts cascade). Dead ones stay. */
export async function pruneDelivered(db: Db, before: string): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = (await db.selectFrom('deliveries').select('id').where(statusIs('delivered')).where('finished_at', '<', before).limit(BATCH).execute()).map((r) => r.id);
    if (ids.length === 0) return total;
    await db.deleteFrom('delivery_attempts').where('delivery_id', 'in', ids).execute();
    total += Number((await db.deleteFrom('deliveries').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
    if (ids.length < BATCH) return total;
  }
}

/**
 * Outbox events dispatched before `before` that no delivery refers to any more: a webhook's
 * delivery renders its body from its event, so the event stays while the delivery does (delivered
 * ones are pruned first; pending and dead ones keep theirs).
 */
export async function pruneDispatchedEvents(db: Db, before: string): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = (
      await db.selectFrom('event_outbox as e').select('e.id')
        .where('e.delivered_at', '<', before)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries as d').select('d.id').whereRef('d.event_id', '=', 'e.id'))))
        .limit(BATCH).execute()
    ).map((r) => r.id);
    if (ids.length === 0) return total;
    total += Number((await db.deleteFrom('event_outbox').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
    if (ids.length < BATCH) return total;
  }
}

/** Gives claimed deliveries back (their sends were cut short), due at once. */
export async function releaseClaims(db: Db | Tx, ids: string[]): Promise<void> {
  if (ids.length) await db.updateTable('deliveries').set({ locked_until: null }).where('id', 'in', ids).execute();
}
