import type { Db, Dialect, Tx } from '../store/database.js';
import * as store from '../store/deliveries.js';
import type { AttemptRow, DeliveryRow, DeliveryUpdate, OutboxRow } from '../store/deliveries.js';
import * as webhooks from '../store/webhooks.js';
import type { WebhookRow } from '../store/webhooks.js';
import { newId } from '../lib/ids.js';
import { nowIso, parseJson, toJson } from '../store/values.js';
import { renderBody } from './webhook-message.js';
import { hostname } from 'node:os';

/** Names this process in the attempts it makes. */
const WORKER = `${hostname()}:${process.pid}`;

/**
 * Durable outgoing HTTP deliveries. Anything that must reach another system over HTTP, retried
 * until it does, is written as a delivery row in the transaction of the change it belongs to;
 * the delivery worker (src/delivery/worker.ts) in every server process sends it later, never
 * in the request path. See `enqueueDelivery` for the entry point.
 */

export interface DeliveryRequest {
  poolId: string;
  /** What asks for it, e.g. `backchannel-logout`; shown in logs and counted by kind. */
  kind: string;
  url: string;
  contentType: string;
  /** The exact body to POST, already encoded for `contentType`. */
  body: string;
  /** Extra request headers. Never put a secret here: the row is stored as it is. */
  headers?: Record<string, string>;
  /** A label for logs; defaults to `kind`. */
  eventType?: string;
  /** Tries in all, the first included (default 6). */
  maxAttempts?: number;
  /** Delay before the first retry; each further retry doubles it, with ±25 % jitter (default 5 s). */
  retryDelayMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 6;
export const DEFAULT_RETRY_DELAY_MS = 5000;
/** No retry waits longer than a day, however the backoff grows. */
const MAX_RETRY_DELAY_MS = 86_400_000;

/**
 * The entry point for other features: queue one HTTP POST in the caller's transaction. It is
 * sent only if that transaction commits, survives crashes and restarts, is retried with
 * exponential backoff and jitter until a 2xx answer or `maxAttempts`, and is never sent by two
 * processes at once. For example, an OpenID Connect back-channel logout:
 *
 *   await enqueueDelivery(trx, {
 *     poolId, kind: 'backchannel-logout', url: app.backchannelLogoutUri,
 *     contentType: 'application/x-www-form-urlencoded',
 *     body: new URLSearchParams({ logout_token: jwt }).toString(),
 *   });
 *
 * Answers the delivery id. Redirects are not followed and targets go through the address policy
 * (DELIVERY_REFUSE_PRIVATE_TARGETS) like webhooks.
 */
export async function enqueueDelivery(trx: Tx, request: DeliveryRequest): Promise<string> {
  const now = nowIso();
  const row: DeliveryRow = {
    id: newId(),
    pool_id: request.poolId,
    kind: request.kind,
    webhook_id: null,
    event_id: null,
    event_type: request.eventType ?? request.kind,
    url: request.url,
    content_type: request.contentType,
    headers: toJson(request.headers ?? {}),
    body: request.body,
    status: 'pending',
    attempts: 0,
    max_attempts: Math.max(1, request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    retry_delay_ms: Math.max(0, request.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS),
    next_attempt_at: now,
    locked_until: null,
    last_error: null,
    created_at: now,
    finished_at: null,
  };
  await store.insertDeliveries(trx, [row]);
  return row.id;
}

export interface RetryConfig {
  enabled: boolean;
  count?: number;
  delay?: number;
  delayUnit?: 'Second' | 'Minute' | 'Hour' | 'Day';
}

export const UNIT_MS = { Second: 1000, Minute: 60_000, Hour: 3_600_000, Day: 86_400_000 } as const;
/** Without a retryConfig a webhook retries 10 times from 5 s: about 85 minutes in all. */
export const DEFAULT_RETRY: Required<RetryConfig> = { enabled: true, count: 10, delay: 5, delayUnit: 'Second' };

export function retryPlan(config: RetryConfig): { maxAttempts: number; retryDelayMs: number } {
  if (!config.enabled) return { maxAttempts: 1, retryDelayMs: 0 };
  const count = config.count ?? DEFAULT_RETRY.count;
  const delay = config.delay ?? DEFAULT_RETRY.delay;
  return { maxAttempts: 1 + count, retryDelayMs: delay * UNIT_MS[config.delayUnit ?? DEFAULT_RETRY.delayUnit] };
}

/** Exponential backoff with jitter: the n-th retry waits base × 2^(n−1), ±25 %, at most a day. */
export function retryDelay(baseMs: number, failedAttempts: number, random = Math.random()): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential * (0.75 + random * 0.5));
}

/** A webhook's subscriptions and retry plan, read from their JSON once per dispatch rather than per event. */
interface Subscription {
  webhook: WebhookRow;
  events: Set<string>;
  plan: { maxAttempts: number; retryDelayMs: number };
}

function subscription(webhook: WebhookRow): Subscription {
  return { webhook, events: new Set(parseJson<string[]>(webhook.events, [])), plan: retryPlan(parseJson<RetryConfig>(webhook.retry_config, DEFAULT_RETRY)) };
}

type WebhookEvent = { id: string; type: string; poolId: string; createdAt: string; requestId: string | null; data: unknown };

/** A webhook's delivery of `event` with its body (a test send, which stores it). */
export function webhookDelivery(webhook: WebhookRow, event: WebhookEvent, now: string): DeliveryRow {
  const row = bareWebhookDelivery(webhook, event, now);
  row.body = renderEvent(event, webhook.content_type);
  return row;
}

/** A webhook's delivery of `event` with an empty body, as the delivery of an outbox event is stored (see storesNoBody). */
function bareWebhookDelivery(
  webhook: WebhookRow,
  event: { id: string; type: string },
  now: string,
  plan = retryPlan(parseJson<RetryConfig>(webhook.retry_config, DEFAULT_RETRY)),
): DeliveryRow {
  return {
    id: newId(),
    pool_id: webhook.pool_id,
    kind: 'webhook',
    webhook_id: webhook.id,
    event_id: event.id,
    event_type: event.type,
    url: webhook.url,
    content_type: webhook.content_type,
    headers: '{}',
    body: '',
    status: 'pending',
    attempts: 0,
    max_attempts: plan.maxAttempts,
    retry_delay_ms: plan.retryDelayMs,
    next_attempt_at: now,
    locked_until: null,
    last_error: null,
    created_at: now,
    finished_at: null,
  };
}

/**
 * Hands up to `limit` committed outbox events to delivery: one delivery per enabled webhook of
 * the event's pool that subscribes to its type, in the caller's transaction, which stamps the
 * events dispatched. Events nobody subscribes to are stamped too (and pruned with the rest).
 *
 * The deliveries are made already claimed by the caller until `leaseFor(count)` (the worker
 * sends them next, so claiming them in a second statement would only rewrite each row once
 * more). The worker takes only as many events as it has room to send: the outbox is the backlog,
 * and a delivery row exists from when its first attempt is near. Answers how many events it
 * took, the deliveries and their webhooks.
 */
export async function dispatchEvents(trx: Tx, dialect: Dialect, limit: number, leaseFor: (count: number) => string): Promise<{ events: number; claimed: DeliveryRow[]; webhooks: WebhookRow[] }> {
  const now = nowIso();
  const events = await store.takeUndispatchedEvents(trx, dialect, limit, now);
  if (events.length === 0) return { events: 0, claimed: [], webhooks: [] };
  const candidates = await webhooks.enabledWebhooksOfPools(trx, [...new Set(events.map((e) => e.pool_id))]);
  const byPool = new Map<string, Subscription[]>();
  for (const webhook of candidates) {
    const list = byPool.get(webhook.pool_id) ?? [];
    list.push(subscription(webhook));
    byPool.set(webhook.pool_id, list);
  }
  const rows: DeliveryRow[] = [];
  // Each row's body, by position: rows are stored without them (see storesNoBody) and sent with them now.
  const bodies: string[] = [];
  for (const event of events) {
    const subscribers = byPool.get(event.pool_id)?.filter((s) => s.events.has(event.type));
    if (!subscribers?.length) continue;
    const message: WebhookEvent = { id: event.id, type: event.type, poolId: event.pool_id, createdAt: event.created_at, requestId: event.request_id, data: parseJson<unknown>(event.payload, null) };
    // The body depends on the event and the content type only: rendered once for all its webhooks.
    const rendered = new Map<string, string>();
    for (const { webhook, plan } of subscribers) {
      let body = rendered.get(webhook.content_type);
      if (body === undefined) {
        body = renderEvent(message, webhook.content_type);
        rendered.set(webhook.content_type, body);
      }
      rows.push(bareWebhookDelivery(webhook, event, now, plan));
      bodies.push(body);
    }
  }
  const lease = leaseFor(rows.length);
  for (const row of rows) row.locked_until = lease;
  await store.insertDeliveries(trx, rows);
  for (let i = 0; i < rows.length; i++) rows[i].body = bodies[i];
  return { events: events.length, claimed: rows, webhooks: candidates };
}

/**
 * A webhook's delivery of an outbox event stores no body: its body is the event rendered in the
 * delivery's content type, the same bytes at every attempt, so the event's payload is kept once
 * (in the outbox, which keeps an event while a delivery refers to it) rather than once per
 * subscribed webhook, and a delivery's row stays small when its attempts rewrite it. Other
 * deliveries (test sends, back-channel logouts, rows from before this) store their body.
 */
export function storesNoBody(delivery: Pick<DeliveryRow, 'kind' | 'event_id' | 'body'>): boolean {
  return delivery.kind === 'webhook' && delivery.event_id !== null && delivery.body === '';
}

/** The body a webhook receives for `event`: what dispatch rendered, rendered again. */
export function eventBody(event: Pick<OutboxRow, 'id' | 'pool_id' | 'type' | 'payload' | 'request_id' | 'created_at'>, contentType: string): string {
  return renderEvent({ id: event.id, type: event.type, poolId: event.pool_id, createdAt: event.created_at, requestId: event.request_id, data: parseJson<unknown>(event.payload, null) }, contentType);
}

/** The one mapping from an event to the message a webhook receives: dispatch and later renderings must give the same bytes. */
function renderEvent(event: WebhookEvent, contentType: string): string {
  return renderBody({ eventName: event.type, eventId: event.id, userPoolId: event.poolId, timestamp: event.createdAt, requestId: event.requestId, data: event.data }, contentType);
}

/**
 * Gives claimed deliveries that store no body the body of their event. One whose event is gone
 * (removed by hand: pruning keeps it) keeps its empty body, and its send fails for good.
 */
export async function fillBodies(db: Db | Tx, deliveries: DeliveryRow[]): Promise<void> {
  const bare = deliveries.filter(storesNoBody);
  if (bare.length === 0) return;
  const events = new Map((await store.findEvents(db, [...new Set(bare.map((d) => d.event_id!))])).map((e) => [e.id, e]));
  for (const delivery of bare) {
    const event = events.get(delivery.event_id!);
    if (event) delivery.body = eventBody(event, delivery.content_type);
  }
}

export interface AttemptResult {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  ok: boolean;
  error?: string;
  durationMs: number;
  /** What was sent, secrets already redacted. */
  request: { url: string; headers: Record<string, string>; body: string };
  /** Set when trying again cannot help (webhook gone or disabled, target refused): dead now. */
  final?: boolean;
  /** The send was cut short by shutdown: not an attempt, the delivery is released as it was. */
  aborted?: boolean;
}

/** What one finished attempt changes: delivered, retried later, or dead after the last try. */
export function settle(delivery: DeliveryRow, result: AttemptResult, now = Date.now()): { update: DeliveryUpdate; attempt: AttemptRow } {
  const attempts = delivery.attempts + 1;
  const at = new Date(now).toISOString();
  let update: DeliveryUpdate;
  if (result.ok) {
    update = { status: 'delivered', attempts, last_error: null, finished_at: at };
  } else if (result.final || attempts >= delivery.max_attempts) {
    update = { status: 'dead', attempts, last_error: result.error ?? null, finished_at: at };
  } else {
    const next = new Date(now + retryDelay(delivery.retry_delay_ms, attempts)).toISOString();
    update = { status: 'pending', attempts, next_attempt_at: next, last_error: result.error ?? null, finished_at: null };
  }
  const attempt: AttemptRow = {
    id: newId(),
    delivery_id: delivery.id,
    pool_id: delivery.pool_id,
    webhook_id: delivery.webhook_id,
    event_type: delivery.event_type,
    request_url: result.request.url,
    request_headers: toJson(result.request.headers),
    response_status: result.status ?? null,
    response_headers: result.headers ? toJson(result.headers) : null,
    response_body: result.body ?? null,
    success: result.ok ? 1 : 0,
    error_message: result.error ?? null,
    duration_ms: result.durationMs,
    worker: WORKER,
    created_at: at,
  };
  return { update, attempt };
}

/** Sends dead deliveries again (all, one pool's, or one webhook's); answers how many. */
export function resendDead(db: Db | Tx, filter: { poolId?: string; webhookId?: string; ids?: string[] } = {}): Promise<number> {
  return store.requeueDead(db, filter, nowIso());
}
