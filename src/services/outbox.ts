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
  return (await enqueueEvents(trx, scope, type, [payload]))[0];
}

/** Several events of one type in one statement. */
export async function enqueueEvents(trx: Tx, scope: Pick<Scope, 'poolId' | 'requestId'>, type: string, payloads: unknown[]): Promise<string[]> {
  if (payloads.length === 0) return [];
  const at = nowIso();
  const rows = payloads.map((payload) => ({ id: newId(), pool_id: scope.poolId, type, payload: toJson(payload), request_id: scope.requestId, created_at: at, delivered_at: null }));
  await trx.insertInto('event_outbox').values(rows).execute();
  return rows.map((r) => r.id);
}
