import type { Db } from './database.js';
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
