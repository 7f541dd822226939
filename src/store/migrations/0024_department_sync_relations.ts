import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Sync relations of departments: which department of an outside directory (`<provider>:<id>`) a
 * department came from, as sync_relations records it for users. A department's relations go with
 * it through the foreign key's cascade; one outside department relates to one department per pool.
 */
export function departmentSyncRelations(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('department_sync_relations')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('department_id', 'varchar(24)', (c) => c.notNull().references('departments.id').onDelete('cascade'))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('department_id_in_idp', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('department_sync_relations_provider_key')
        .on('department_sync_relations')
        .columns(['pool_id', 'provider', 'department_id_in_idp'])
        .unique()
        .execute();
      await db.schema.createIndex('department_sync_relations_department_idx').on('department_sync_relations').columns(['department_id']).execute();
    },
  };
}
