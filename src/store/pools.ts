import type { Db, Tx } from './database.js';
import { newId } from '../lib/ids.js';
import { nowIso } from './values.js';

export const DEFAULT_POOL_NAME = 'default';

export async function findPoolByName(db: Db, name: string) {
  return db.selectFrom('user_pools').selectAll().where('name', '=', name).orderBy('created_at').executeTakeFirst();
}

export async function insertPool(db: Db, name: string) {
  const row = { id: newId(), name, created_at: nowIso() };
  await db.insertInto('user_pools').values(row).execute();
  return row;
}

export async function findPoolById(db: Db | Tx, poolId: string) {
  return db.selectFrom('user_pools').selectAll().where('id', '=', poolId).executeTakeFirst();
}

export async function setSelfRegistration(db: Db | Tx, poolId: string, enabled: boolean): Promise<void> {
  await db.updateTable('user_pools').set({ self_registration: enabled ? 1 : 0 }).where('id', '=', poolId).execute();
}
