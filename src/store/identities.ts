import type { Db, Tx } from './database.js';
import type { ExtIdpsTable, SyncRelationsTable, UserIdentitiesTable } from './tables/foundation.js';

type Conn = Db | Tx;
export type ExtIdpRow = ExtIdpsTable;
export type IdentityRow = UserIdentitiesTable;
export type SyncRelationRow = SyncRelationsTable;

export async function insertExtIdp(db: Conn, row: ExtIdpRow): Promise<void> {
  await db.insertInto('ext_idps').values(row).execute();
}

export async function findExtIdp(db: Conn, poolId: string, id: string): Promise<ExtIdpRow | undefined> {
  return db.selectFrom('ext_idps').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
}

export async function renameExtIdp(db: Conn, poolId: string, id: string, name: string, now: string): Promise<boolean> {
  const result = await db.updateTable('ext_idps').set({ name, updated_at: now }).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countIdentitiesOfSource(db: Conn, poolId: string, extIdpId: string): Promise<number> {
  const row = await db
    .selectFrom('user_identities')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('pool_id', '=', poolId)
    .where('ext_idp_id', '=', extIdpId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteExtIdp(db: Conn, poolId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('ext_idps').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listExtIdps(db: Conn, poolId: string, tenantId?: string): Promise<ExtIdpRow[]> {
  let query = db.selectFrom('ext_idps').selectAll().where('pool_id', '=', poolId);
  if (tenantId) query = query.where('tenant_id', '=', tenantId);
  return query.orderBy('created_at').orderBy('id').execute();
}

/** A user's identities with the name of the source each came from, oldest first. */
export async function identitiesWithSources(db: Conn, poolId: string, userId: string) {
  return db
    .selectFrom('user_identities as i')
    .leftJoin('ext_idps as e', (join) => join.onRef('e.id', '=', 'i.ext_idp_id').onRef('e.pool_id', '=', 'i.pool_id'))
    .select(['i.id as identityId', 'i.ext_idp_id as idpId', 'i.provider as provider', 'e.name as idpName'])
    .where('i.pool_id', '=', poolId)
    .where('i.user_id', '=', userId)
    .orderBy('i.created_at')
    .orderBy('i.id')
    .execute();
}

export async function insertIdentities(db: Conn, rows: IdentityRow[]): Promise<void> {
  if (rows.length) await db.insertInto('user_identities').values(rows).execute();
}

export async function identitiesOfUsers(db: Conn, poolId: string, userIds: string[]): Promise<IdentityRow[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('user_identities').selectAll().where('pool_id', '=', poolId).where('user_id', 'in', userIds).orderBy('created_at').execute();
}

export async function findIdentity(db: Conn, poolId: string, extIdpId: string, userIdInIdp: string): Promise<IdentityRow | undefined> {
  return db
    .selectFrom('user_identities')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('ext_idp_id', '=', extIdpId)
    .where('user_id_in_idp', '=', userIdInIdp)
    .executeTakeFirst();
}

export async function deleteIdentitiesOfUser(db: Conn, poolId: string, userId: string, extIdpId: string): Promise<number> {
  const result = await db
    .deleteFrom('user_identities')
    .where('pool_id', '=', poolId)
    .where('user_id', '=', userId)
    .where('ext_idp_id', '=', extIdpId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertSyncRelation(db: Conn, row: SyncRelationRow): Promise<void> {
  await db.insertInto('sync_relations').values(row).execute();
}

export async function findSyncRelation(db: Conn, poolId: string, provider: string, userIdInIdp: string): Promise<SyncRelationRow | undefined> {
  return db
    .selectFrom('sync_relations')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('provider', '=', provider)
    .where('user_id_in_idp', '=', userIdInIdp)
    .executeTakeFirst();
}

export async function syncRelationsOfUser(db: Conn, poolId: string, userId: string): Promise<SyncRelationRow[]> {
  return db.selectFrom('sync_relations').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function deleteSyncRelations(db: Conn, poolId: string, userId: string, provider: string): Promise<number> {
  const result = await db
    .deleteFrom('sync_relations')
    .where('pool_id', '=', poolId)
    .where('user_id', '=', userId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
