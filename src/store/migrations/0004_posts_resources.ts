import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './columns.js';

export function postsResources(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('posts')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('department_ids', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('posts_pool_code_key').on('posts').columns(['pool_id', 'code']).unique().execute();
      await db.schema.createIndex('posts_pool_created_idx').on('posts').columns(['pool_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('user_posts')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('post_id', 'varchar(24)', (c) => c.notNull().references('posts.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('user_posts_pkey', ['post_id', 'user_id'])
        .execute();
      await db.schema.createIndex('user_posts_user_idx').on('user_posts').columns(['user_id']).execute();

      await db.schema
        .createTable('resources')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('description', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actions', t.json, (c) => c.notNull())
        .addColumn('api_identifier', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('resources_pool_ns_code_key').on('resources').columns(['pool_id', 'namespace', 'code']).unique().execute();
      await db.schema.createIndex('resources_pool_ns_created_idx').on('resources').columns(['pool_id', 'namespace', 'created_at', 'id']).execute();

      await db.schema
        .createTable('authorizations')
        .addColumn('id', 'varchar(24)', (c) => c.primaryKey())
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(24)', (c) => c.references('resources.id').onDelete('cascade'))
        .addColumn('resource_code', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('actions', t.json, (c) => c.notNull())
        .addColumn('effect', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      // One grant per resource, target and effect: granting again replaces its actions.
      await db.schema
        .createIndex('authorizations_grant_key')
        .on('authorizations')
        .columns(['pool_id', 'namespace', 'resource_code', 'target_type', 'target_id', 'effect'])
        .unique()
        .execute();
      await db.schema.createIndex('authorizations_target_idx').on('authorizations').columns(['pool_id', 'target_type', 'target_id']).execute();
      await db.schema.createIndex('authorizations_resource_idx').on('authorizations').columns(['resource_id']).execute();
      await db.schema.createIndex('authorizations_user_idx').on('authorizations').columns(['user_id']).execute();
    },
  };
}
