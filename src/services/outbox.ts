import type { Tx } from '../store/database.js';
import * as store from '../store/outbox.js';
import { newId } from '../lib/ids.js';
import { nowIso, toJson } from '../store/values.js';
import type { EventName } from './event-catalogue.js';

/**
 * The one call a service makes to announce a change: `await enqueueEvent(trx, scope, 'group:created', data)`
 * inside the transaction of the change, so the event exists if and only if the change committed.
 * `type` is a name from the event catalogue (services/event-catalogue.ts: GenAuth's names, ours
 * added there first); `data` becomes the `data` of the webhook body, so keep it plain JSON with
 * ids a receiver can act on. The delivery worker fans committed events out to the webhooks that
 * subscribe to them and stamps `delivered_at`.
 */
export async function enqueueEvent(trx: Tx, scope: { poolId: string; requestId: string | null }, type: EventName, payload: unknown): Promise<string> {
  return (await enqueueEvents(trx, scope, type, [payload]))[0];
}

const queuedListeners = new Set<() => void>();

/**
 * Calls `listener` whenever this process queues events, so its delivery worker looks at the
 * outbox soon instead of at its next poll. The call comes before the transaction commits: a look
 * that finds nothing yet is repeated shortly (see the worker). Answers a function that unsubscribes.
 */
export function onEventsQueued(listener: () => void): () => void {
  queuedListeners.add(listener);
  return () => queuedListeners.delete(listener);
}

/**
 * Tells this process's listeners that events were queued, as `enqueueEvents` does: for a delivery
 * worker running in its own thread, whose process queued them (see delivery/thread.ts).
 */
export function announceEventsQueued(): void {
  for (const listener of queuedListeners) listener();
}

/** Several events of one type in one statement. */
export async function enqueueEvents(trx: Tx, scope: { poolId: string; requestId: string | null }, type: EventName, payloads: unknown[]): Promise<string[]> {
  if (payloads.length === 0) return [];
  const at = nowIso();
  const rows = payloads.map((payload) => ({ id: newId(), pool_id: scope.poolId, type, payload: toJson(payload), request_id: scope.requestId, created_at: at, delivered_at: null }));
  await store.insertEvents(trx, rows);
  announceEventsQueued();
  return rows.map((r) => r.id);
}
