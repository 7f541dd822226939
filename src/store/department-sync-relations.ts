import type { Db, Tx } from './database.js';
import type { DepartmentSyncRelationsTable } from './tables/organizations.js';

export type DepartmentSyncRelationRow = DepartmentSyncRelationsTable;
type Conn = Db | Tx;

export async function insert(db: Conn, row: DepartmentSyncRelationRow): Promise<void> {
  await db.insertInto('department_sync_relations').values(row).execute();
}

export async function findByProviderId(db: Conn, poolId: string, provider: string, idInIdp: string): Promise<DepartmentSyncRelationRow | undefined> {
  return db
    .selectFrom('department_sync_relations')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('provider', '=', provider)
    .where('department_id_in_idp', '=', idInIdp)
    .executeTakeFirst();
}

export async function ofDepartment(db: Conn, poolId: string, departmentId: string): Promise<DepartmentSyncRelationRow[]> {
  return db
    .selectFrom('department_sync_relations')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('department_id', '=', departmentId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/** Removes the department's relations with one provider; answers the rows removed. */
export async function removeOfDepartment(db: Conn, poolId: string, departmentId: string, provider: string): Promise<DepartmentSyncRelationRow[]> {
  return db
    .deleteFrom('department_sync_relations')
    .where('pool_id', '=', poolId)
    .where('department_id', '=', departmentId)
    .where('provider', '=', provider)
    .returningAll()
    .execute();
}
