import { sql } from 'kysely';
import type { Db, Tx } from './database.js';
import { likePattern } from './like.js';
import type { CustomFieldsTable, UserBaseFieldSettingsTable } from './tables/custom-fields.js';

type Conn = Db | Tx;
export type CustomFieldRow = CustomFieldsTable;
export type BaseFieldSettingsRow = UserBaseFieldSettingsTable;

/** The tables whose rows carry a custom_data JSON object, by target type. */
export const CUSTOM_DATA_TABLE = { USER: 'users', ROLE: 'roles', GROUP: 'groups', DEPARTMENT: 'departments' } as const;
export type CustomTarget = keyof typeof CUSTOM_DATA_TABLE;

export async function listFields(
  db: Conn,
  poolId: string,
  filter: { targetType: string; dataType?: string; keyword?: string },
): Promise<CustomFieldRow[]> {
  let query = db.selectFrom('custom_fields').selectAll().where('pool_id', '=', poolId).where('target_type', '=', filter.targetType);
  if (filter.dataType) query = query.where('data_type', '=', filter.dataType);
  if (filter.keyword) {
    const pattern = likePattern(filter.keyword.toLowerCase());
    query = query.where((eb) => eb.or([eb(sql`lower(${sql.ref('key')})`, 'like', pattern), eb(sql`lower(${sql.ref('label')})`, 'like', pattern)]));
  }
  return query.orderBy('created_at').orderBy('key').execute();
}

export async function upsertFields(trx: Tx, rows: CustomFieldRow[]): Promise<void> {
  for (const row of rows) {
    const { pool_id: _p, target_type: _t, key: _k, created_at: _c, ...changes } = row;
    await trx
      .insertInto('custom_fields')
      .values(row)
      .onConflict((oc) => oc.columns(['pool_id', 'target_type', 'key']).doUpdateSet(changes))
      .execute();
  }
}

export async function findFields(db: Conn, poolId: string, targetType: string, keys: string[]): Promise<CustomFieldRow[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('custom_fields').selectAll().where('pool_id', '=', poolId).where('target_type', '=', targetType).where('key', 'in', keys).execute();
}

export async function deleteField(trx: Tx, poolId: string, targetType: string, key: string): Promise<boolean> {
  const result = await trx.deleteFrom('custom_fields').where('pool_id', '=', poolId).where('target_type', '=', targetType).where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function readCustomData(db: Conn, poolId: string, target: CustomTarget, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom(CUSTOM_DATA_TABLE[target] as 'users')
    .select('custom_data')
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.custom_data;
}

export async function writeCustomData(trx: Tx, poolId: string, target: CustomTarget, id: string, json: string, now: string): Promise<void> {
  await trx
    .updateTable(CUSTOM_DATA_TABLE[target] as 'users')
    .set({ custom_data: json, updated_at: now })
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .execute();
}

export async function baseFieldSettings(db: Conn, poolId: string): Promise<BaseFieldSettingsRow[]> {
  return db.selectFrom('user_base_field_settings').selectAll().where('pool_id', '=', poolId).execute();
}

export async function upsertBaseFieldSettings(trx: Tx, rows: BaseFieldSettingsRow[]): Promise<void> {
  for (const row of rows) {
    const { pool_id: _p, key: _k, ...changes } = row;
    await trx
      .insertInto('user_base_field_settings')
      .values(row)
      .onConflict((oc) => oc.columns(['pool_id', 'key']).doUpdateSet(changes))
      .execute();
  }
}
