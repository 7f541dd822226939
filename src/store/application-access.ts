import type { Db, Tx } from './database.js';
import type { ApplicationAccessTable } from './tables/applications.js';

export type AccessRuleRow = ApplicationAccessTable;
export type AccessTargetType = AccessRuleRow['target_type'];
type Conn = Db | Tx;

/** Inserts rules; a rule for the same application and subject takes the new effect and settings. */
export async function upsertRules(db: Conn, rows: AccessRuleRow[]): Promise<void> {
  for (const row of rows) {
    await db
      .insertInto('application_access')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['app_id', 'target_type', 'target_id']).doUpdateSet({
          effect: row.effect, inherit_by_children: row.inherit_by_children, namespace: row.namespace, updated_at: row.updated_at,
        }),
      )
      .execute();
  }
}

export async function deleteRules(db: Conn, poolId: string, appId: string, targetType: AccessTargetType, targetIds: string[]): Promise<void> {
  if (targetIds.length === 0) return;
  await db.deleteFrom('application_access').where('pool_id', '=', poolId).where('app_id', '=', appId)
    .where('target_type', '=', targetType).where('target_id', 'in', targetIds).execute();
}

/** The rules of some applications of a pool (all of them when appIds is omitted). */
export async function rulesOf(db: Conn, poolId: string, appIds?: string[]): Promise<AccessRuleRow[]> {
  if (appIds?.length === 0) return [];
  let query = db.selectFrom('application_access').selectAll().where('pool_id', '=', poolId);
  if (appIds) query = query.where('app_id', 'in', appIds);
  return query.orderBy('created_at').orderBy('id').execute();
}

/** Removes the rules naming subjects that are going away (a deleted role, group or department). */
export async function deleteRulesOfTargets(db: Conn, poolId: string, targetType: AccessTargetType, targetIds: string[]): Promise<AccessRuleRow[]> {
  if (targetIds.length === 0) return [];
  return db.deleteFrom('application_access').where('pool_id', '=', poolId).where('target_type', '=', targetType)
    .where('target_id', 'in', targetIds).returningAll().execute();
}
