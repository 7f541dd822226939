import type { Tx } from '../store/database.js';
import { newId } from '../lib/ids.js';
import { nowIso, toJson } from '../store/values.js';
import type { Scope } from './context.js';

/**
 * Queues an event for delivery (webhooks, other systems) in the caller's transaction: it exists
 * if and only if the change it announces was committed. A dispatcher reads rows whose
 * `delivered_at` is NULL and stamps them once delivered.
 */
export async function enqueueEvent(trx: Tx, scope: Pick<Scope, 'poolId' | 'requestId'>, type: string, payload: unknown): Promise<string> {
  const id = newId();
  await trx
    .insertInto('event_outbox')
    .values({ id, pool_id: scope.poolId, type, payload: toJson(payload), request_id: scope.requestId, created_at: nowIso(), delivered_at: null })
    .execute();
  return id;
}
