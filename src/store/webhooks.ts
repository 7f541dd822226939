import type { Db, Tx } from './database.js';
import type { WebhooksTable } from './tables/deliveries.js';

export type WebhookRow = WebhooksTable;

export async function insertWebhook(db: Db | Tx, row: WebhookRow): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function findWebhook(db: Db | Tx, poolId: string, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
}

export async function findWebhooksById(db: Db | Tx, ids: string[]): Promise<WebhookRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('webhooks').selectAll().where('id', 'in', ids).execute();
}

/** The enabled webhooks of the given pools: the candidates for a batch of events. */
export async function enabledWebhooksOfPools(db: Db | Tx, poolIds: string[]): Promise<WebhookRow[]> {
  if (poolIds.length === 0) return [];
  return db.selectFrom('webhooks').selectAll().where('pool_id', 'in', poolIds).where('enabled', '=', 1).execute();
}

export async function updateWebhook(db: Db | Tx, poolId: string, id: string, changes: Partial<Omit<WebhookRow, 'id' | 'pool_id' | 'created_at'>>): Promise<void> {
  await db.updateTable('webhooks').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

/** A webhook's deliveries not yet sent follow it to its new URL. */
export async function retargetPendingDeliveries(db: Db | Tx, webhookId: string, url: string): Promise<void> {
  await db.updateTable('deliveries').set({ url }).where('webhook_id', '=', webhookId).where('status', 'in', ['pending', 'dead']).execute();
}

/** Deletes the webhooks; their deliveries and attempts go with them. Answers the ids removed. */
export async function deleteWebhooks(db: Db | Tx, poolId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const deliveryIds = db.selectFrom('deliveries').select('id').where('webhook_id', 'in', ids).where('pool_id', '=', poolId);
  await db.deleteFrom('delivery_attempts').where('delivery_id', 'in', deliveryIds).execute();
  await db.deleteFrom('deliveries').where('webhook_id', 'in', ids).where('pool_id', '=', poolId).execute();
  const rows = await db.deleteFrom('webhooks').where('pool_id', '=', poolId).where('id', 'in', ids).returning('id').execute();
  return rows.map((r) => r.id);
}

export async function listWebhooks(db: Db, poolId: string, page: number, limit: number): Promise<{ rows: WebhookRow[]; total: number }> {
  const base = db.selectFrom('webhooks').where('pool_id', '=', poolId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset((page - 1) * limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
