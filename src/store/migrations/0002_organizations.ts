import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Organizations, their department trees and department members. The organization row and its
 * root department share one id: GenAuth's OrganizationDto.departmentId is the root node.
 */
export function organizations(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('organizations_pool_code_key').on('organizations').columns(['pool_id', 'code']).unique().execute();
      await db.schema.createIndex('organizations_pool_created_idx').on('organizations').columns(['pool_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('departments')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('organization_id', 'varchar(24)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('parent_id', 'varchar(24)', (c) => c.references('departments.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        // NULL on the root: its code is the organization's code (one value, one place).
        .addColumn('code', 'text')
        .addColumn('open_department_id', 'text')
        .addColumn('description', 'text')
        .addColumn('i18n', t.json)
        .addColumn('custom_data', t.json, (c) => c.notNull())
        .addColumn('is_virtual_node', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('departments_org_code_key').on('departments').columns(['organization_id', 'code']).unique().execute();
      await db.schema
        .createIndex('departments_org_open_id_key')
        .on('departments')
        .columns(['organization_id', 'open_department_id'])
        .unique()
        .execute();
      await db.schema.createIndex('departments_parent_idx').on('departments').columns(['parent_id', 'created_at']).execute();
      await db.schema.createIndex('departments_pool_org_idx').on('departments').columns(['pool_id', 'organization_id']).execute();

      await db.schema
        .createTable('department_members')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('department_id', 'varchar(24)', (c) => c.notNull().references('departments.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('is_leader', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_main_department', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('joined_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('department_members_pkey', ['department_id', 'user_id'])
        .execute();
      await db.schema.createIndex('department_members_user_idx').on('department_members').columns(['user_id']).execute();
      await db.schema
        .createIndex('department_members_dept_joined_idx')
        .on('department_members')
        .columns(['department_id', 'joined_at'])
        .execute();
    },
  };
}
