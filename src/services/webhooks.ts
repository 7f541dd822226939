import { lookup } from 'node:dns/promises';
import * as store from '../store/webhooks.js';
import type { WebhookRow } from '../store/webhooks.js';
import { insertDeliveries, listAttempts, recordAttempts } from '../store/deliveries.js';
import { newId } from '../lib/ids.js';
import { decryptSecret, encryptSecret, randomSecret } from '../lib/secrets.js';
import { literalAddress, refusalOf } from '../lib/address-policy.js';
import { fromBool, nowIso, opt, parseJson, toBool, toJson } from '../store/values.js';
import { badRequest, notFound } from '../errors.js';
import type { CreateWebhookInput, TriggerWebhookInput, UpdateWebhookInput, WebhookLogView, WebhookView } from '../schemas/webhooks.js';
import { CATEGORIES, EVENTS, isEventName } from './event-catalogue.js';
import { DEFAULT_RETRY, eventBody, resendDead, settle, storesNoBody, UNIT_MS, webhookDelivery, type RetryConfig } from './deliveries.js';
import { sendDelivery, TEST_KIND } from '../delivery/send.js';
import type { Scope } from './context.js';

export const MAX_RETRY_COUNT = 20;
/** The first retry waits at most a day; later ones double from there (capped at a day each). */
const MAX_FIRST_DELAY_MS = 86_400_000;

function toView(row: WebhookRow, masterKey?: Buffer): WebhookView {
  return {
    webhookId: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    name: row.name,
    url: row.url,
    contentType: row.content_type,
    enabled: toBool(row.enabled),
    events: parseJson<string[]>(row.events, []),
    secret: masterKey ? decryptSecret(masterKey, row.secret_enc) : undefined,
    retryConfig: parseJson<RetryConfig>(row.retry_config, DEFAULT_RETRY),
  };
}

/** An absolute http(s) URL whose host the address policy allows (names resolved now, and again at each delivery). */
async function checkUrl(url: string, refusePrivate: boolean): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`url: must be an absolute http(s) URL (got "${url}")`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) throw badRequest(`url: must be an absolute http(s) URL (got "${url}")`);
  const literal = literalAddress(parsed.hostname);
  const addresses = literal ? [literal] : await lookup(parsed.hostname, { all: true }).then((list) => list.map((a) => a.address), () => [] as string[]);
  for (const address of addresses) {
    const refusal = refusalOf(address, refusePrivate);
    if (refusal) throw badRequest(`url: ${literal ? '' : `${parsed.hostname} resolves to `}${refusal}`);
  }
}

function checkEvents(events: string[]): string[] {
  const unknown = events.filter((e) => !isEventName(e));
  if (unknown.length) throw badRequest(`events: ${unknown.map((e) => `"${e}"`).join(', ')} ${unknown.length === 1 ? 'is not an event' : 'are not events'} of get-webhook-event-list`);
  return [...new Set(events)];
}

function checkRetry(config: RetryConfig | undefined): RetryConfig {
  if (!config) return DEFAULT_RETRY;
  if (!config.enabled) return { enabled: false };
  const count = config.count ?? DEFAULT_RETRY.count;
  if (count < 1 || count > MAX_RETRY_COUNT) throw badRequest(`retryConfig.count: must be a whole number from 1 to ${MAX_RETRY_COUNT} (got ${count})`);
  const unit = config.delayUnit ?? DEFAULT_RETRY.delayUnit;
  const delay = config.delay ?? DEFAULT_RETRY.delay;
  const maxDelay = MAX_FIRST_DELAY_MS / UNIT_MS[unit];
  if (delay < 1 || delay > maxDelay) throw badRequest(`retryConfig.delay: must be a whole number from 1 to ${maxDelay} ${unit}${maxDelay === 1 ? '' : 's'} (at most a day; got ${delay})`);
  return { enabled: true, count, delay, delayUnit: unit };
}

async function findOrThrow(scope: Scope, webhookId: string): Promise<WebhookRow> {
  const row = await store.findWebhook(scope.db, scope.poolId, webhookId);
  if (!row) throw notFound(`webhookId: no webhook "${webhookId}" in this user pool`);
  return row;
}

export async function createWebhook(scope: Scope, input: CreateWebhookInput): Promise<WebhookView> {
  const events = checkEvents(input.events);
  const retry = checkRetry(input.retryConfig);
  await checkUrl(input.url, scope.policy.refusePrivateTargets);
  const now = nowIso();
  const row: WebhookRow = {
    id: newId(),
    pool_id: scope.poolId,
    name: input.name,
    url: input.url,
    content_type: input.contentType,
    events: toJson(events),
    enabled: fromBool(input.enabled ?? true),
    secret_enc: encryptSecret(scope.masterKey, input.secret ?? randomSecret(24)),
    retry_config: toJson(retry),
    created_at: now,
    updated_at: now,
  };
  await store.insertWebhook(scope.db, row);
  return toView(row, scope.masterKey);
}

export async function updateWebhook(scope: Scope, input: UpdateWebhookInput): Promise<WebhookView> {
  const current = await findOrThrow(scope, input.webhookId);
  const changes: Partial<WebhookRow> = { updated_at: nowIso() };
  if (input.events !== undefined) changes.events = toJson(checkEvents(input.events));
  if (input.retryConfig !== undefined) changes.retry_config = toJson(checkRetry(input.retryConfig));
  if (input.url !== undefined) {
    await checkUrl(input.url, scope.policy.refusePrivateTargets);
    changes.url = input.url;
  }
  if (input.name !== undefined) changes.name = input.name;
  if (input.contentType !== undefined) changes.content_type = input.contentType;
  if (input.enabled !== undefined) changes.enabled = fromBool(input.enabled);
  if (input.secret !== undefined) changes.secret_enc = encryptSecret(scope.masterKey, input.secret);
  await scope.db.transaction().execute(async (trx) => {
    await store.updateWebhook(trx, scope.poolId, current.id, changes);
    if (changes.url && changes.url !== current.url) await store.retargetPendingDeliveries(trx, current.id, changes.url);
  });
  return toView({ ...current, ...changes }, scope.masterKey);
}

/** All or nothing: when an id is not a webhook of this pool, nothing is deleted and the error names it. */
export async function deleteWebhooks(scope: Scope, webhookIds: string[]): Promise<{ success: boolean }> {
  const ids = [...new Set(webhookIds)];
  await scope.db.transaction().execute(async (trx) => {
    const found = new Set((await Promise.all(ids.map((id) => store.findWebhook(trx, scope.poolId, id)))).filter(Boolean).map((w) => w!.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw notFound(`webhookIds: ${missing.map((id) => `"${id}"`).join(', ')} ${missing.length === 1 ? 'is not a webhook' : 'are not webhooks'} of this user pool`);
    await store.deleteWebhooks(trx, scope.poolId, ids);
  });
  return { success: true };
}

export async function getWebhook(scope: Scope, webhookId: string): Promise<WebhookView> {
  return toView(await findOrThrow(scope, webhookId), scope.masterKey);
}

/** Without secrets: get-webhook answers the secret of one webhook. */
export async function listWebhooks(scope: Scope, query: { page?: number; limit?: number }): Promise<{ list: WebhookView[]; totalCount: number }> {
  const { rows, total } = await store.listWebhooks(scope.db, scope.poolId, query.page ?? 1, query.limit ?? 10);
  return { list: rows.map((row) => toView(row)), totalCount: total };
}

function parsedBody(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function getWebhookLogs(scope: Scope, input: { webhookId: string; page?: number; limit?: number }): Promise<{ list: WebhookLogView[]; totalCount: number }> {
  const webhook = await findOrThrow(scope, input.webhookId);
  const { rows, total } = await listAttempts(scope.db, scope.poolId, webhook.id, input.page ?? 1, input.limit ?? 10);
  return {
    totalCount: total,
    list: rows.map((a) => ({
      webhookId: webhook.id,
      eventName: a.event_type,
      deliveryId: a.delivery_id,
      requestBody: parsedBody(storesNoBody({ kind: a.delivery_kind, event_id: a.event?.id ?? null, body: a.request_body }) && a.event ? eventBody(a.event, a.content_type) : a.request_body),
      requestHeaders: parseJson<Record<string, string>>(a.request_headers, {}),
      responseStatusCode: a.response_status ?? 0,
      responseHeaders: parseJson<Record<string, string>>(a.response_headers, {}),
      responseBody: parsedBody(a.response_body),
      timestamp: a.created_at,
      success: toBool(a.success),
      errorMessage: opt(a.error_message),
    })),
  };
}

export function getWebhookEventList(): { categories: Array<{ name: string; nameEn: string; value: string }>; events: Array<{ name: string; nameEn: string; value: string; category: string }> } {
  return {
    categories: CATEGORIES.map(({ name, nameEn, value }) => ({ name, nameEn, value })),
    events: EVENTS.map(({ name, nameEn, value, category }) => ({ name, nameEn, value, category })),
  };
}

/**
 * Sends a `test` event to the webhook now and answers what the receiver said (the one delivery
 * made while the caller waits: that is what the call asks for), and queues the webhook's dead
 * deliveries to be sent again. The test is logged like any attempt and not retried.
 */
export async function triggerWebhook(scope: Scope, input: TriggerWebhookInput) {
  const webhook = await findOrThrow(scope, input.webhookId);
  const resent = await resendDead(scope.db, { poolId: scope.poolId, webhookId: webhook.id });
  const now = Date.now();
  const delivery = {
    ...webhookDelivery(webhook, { id: newId(), type: 'test', poolId: scope.poolId, createdAt: new Date(now).toISOString(), requestId: scope.requestId, data: input.requestBody ?? { message: 'test event from trigger-webhook' } }, new Date(now).toISOString()),
    kind: TEST_KIND,
    headers: toJson(input.requestHeaders ?? {}),
    max_attempts: 1,
    // Claimed by this call; if the process dies before recording the outcome, a worker sends it later.
    locked_until: new Date(now + scope.policy.deliveryTimeoutMs + 5000).toISOString(),
  };
  await insertDeliveries(scope.db, [delivery]);
  const result = await sendDelivery(scope.masterKey, { timeoutMs: scope.policy.deliveryTimeoutMs, refusePrivate: scope.policy.refusePrivateTargets, maxResponseBytes: 4096 }, delivery, webhook);
  const { update, attempt } = settle(delivery, result);
  await scope.db.transaction().execute((trx) => recordAttempts(trx, [{ id: delivery.id, update, attempt }]));
  return {
    response: {
      success: result.ok,
      statusCode: result.status ?? 0,
      headers: result.headers ?? {},
      body: parsedBody(result.body ?? null),
      errorMessage: result.error,
      resentDeliveries: resent,
    },
  };
}
