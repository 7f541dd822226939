import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

/**
 * Permission namespaces, their roles, role assignments, groups and group members.
 *
 * A role assignment names its target twice: `target_type`/`target_id` (the agreed shape other
 * families query) and a typed foreign key (`user_id` or `department_id`) with ON DELETE
 * CASCADE, so deleting a user or a department can never leave an assignment pointing at nothing.
 */
export function rolesGroups(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('namespaces')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('namespaces_pool_code_key').on('namespaces').columns(['pool_id', 'code']).unique().execute();

      await db.schema
        .createTable('roles')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('namespace_id', 'varchar(24)', (c) => c.notNull().references('namespaces.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('ENABLE'))
        // Milliseconds since the epoch, as the wire carries it; NULL means never.
        .addColumn('disable_time', 'bigint')
        .addColumn('enable_permission_apply', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('roles_namespace_code_key').on('roles').columns(['namespace_id', 'code']).unique().execute();
      await db.schema.createIndex('roles_pool_idx').on('roles').columns(['pool_id', 'namespace_id', 'created_at']).execute();

      await db.schema
        .createTable('role_assignments')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('role_id', 'varchar(24)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('department_id', 'varchar(24)', (c) => c.references('departments.id').onDelete('cascade'))
        .addColumn('enable_time', 'bigint')
        .addColumn('end_time', 'bigint')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('role_assignments_pkey', ['role_id', 'target_type', 'target_id'])
        .addCheckConstraint(
          'role_assignments_target_check',
          sql`(target_type = 'USER' and user_id = target_id and department_id is null) or (target_type = 'DEPARTMENT' and department_id = target_id and user_id is null)`,
        )
        .execute();
      await db.schema.createIndex('role_assignments_user_idx').on('role_assignments').columns(['user_id']).execute();
      await db.schema.createIndex('role_assignments_department_idx').on('role_assignments').columns(['department_id']).execute();
      await db.schema
        .createIndex('role_assignments_role_created_idx')
        .on('role_assignments')
        .columns(['role_id', 'target_type', 'created_at'])
        .execute();

      await db.schema
        .createTable('groups')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('custom_data', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('groups_pool_code_key').on('groups').columns(['pool_id', 'code']).unique().execute();
      await db.schema.createIndex('groups_pool_created_idx').on('groups').columns(['pool_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('group_members')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('group_id', 'varchar(24)', (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pkey', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('group_members_user_idx').on('group_members').columns(['user_id']).execute();
      await db.schema.createIndex('group_members_group_created_idx').on('group_members').columns(['group_id', 'created_at']).execute();
    },
  };
}
