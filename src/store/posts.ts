import { sql } from 'kysely';
import type { Db, Tx } from './database.js';
import type { PostsTable } from './tables/posts-resources.js';
import { likePattern } from './like.js';

export type PostRow = PostsTable;
type Conn = Db | Tx;

export async function insertPost(db: Conn, row: PostRow): Promise<void> {
  await db.insertInto('posts').values(row).execute();
}

export async function findByCode(db: Conn, poolId: string, code: string): Promise<PostRow | undefined> {
  return db.selectFrom('posts').selectAll().where('pool_id', '=', poolId).where('code', '=', code).executeTakeFirst();
}

export async function findByIds(db: Conn, poolId: string, ids: string[]): Promise<PostRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('posts').selectAll().where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

export async function updatePost(db: Conn, poolId: string, id: string, changes: Partial<PostRow>): Promise<void> {
  await db.updateTable('posts').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export async function deletePost(db: Conn, poolId: string, id: string): Promise<void> {
  await db.deleteFrom('user_posts').where('pool_id', '=', poolId).where('post_id', '=', id).execute();
  await db.deleteFrom('posts').where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export interface PostListFilter {
  keywords?: string;
  codes?: string[];
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
  updatedBefore?: string;
  offset: number;
  limit: number;
}


export async function listPosts(db: Conn, poolId: string, f: PostListFilter): Promise<{ rows: PostRow[]; total: number }> {
  let query = db.selectFrom('posts').where('pool_id', '=', poolId);
  if (f.keywords) {
    const pattern = likePattern(f.keywords.toLowerCase());
    query = query.where((eb) => eb.or((['code', 'name'] as const).map((column) => eb(sql`lower(${sql.ref(column)})`, 'like', pattern))));
  }
  if (f.codes?.length) query = query.where('code', 'in', f.codes);
  if (f.createdAfter) query = query.where('created_at', '>', f.createdAfter);
  if (f.createdBefore) query = query.where('created_at', '<', f.createdBefore);
  if (f.updatedAfter) query = query.where('updated_at', '>', f.updatedAfter);
  if (f.updatedBefore) query = query.where('updated_at', '<', f.updatedBefore);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'asc').orderBy('code', 'asc').offset(f.offset).limit(f.limit).execute(),
    query.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** User counts per post, one query for a page. */
export async function countUsers(db: Conn, poolId: string, postIds: string[]): Promise<Map<string, number>> {
  if (postIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('user_posts')
    .select(['post_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('pool_id', '=', poolId)
    .where('post_id', 'in', postIds)
    .groupBy('post_id')
    .execute();
  return new Map(rows.map((r) => [r.post_id, Number(r.n)]));
}

/** Post ids per user, oldest assignment first. */
export async function postIdsOfUsers(db: Conn, poolId: string, userIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (userIds.length === 0) return result;
  const rows = await db
    .selectFrom('user_posts')
    .select(['user_id', 'post_id'])
    .where('pool_id', '=', poolId)
    .where('user_id', 'in', userIds)
    .orderBy('created_at', 'asc')
    .orderBy('post_id', 'asc')
    .execute();
  for (const row of rows) result.set(row.user_id, [...(result.get(row.user_id) ?? []), row.post_id]);
  return result;
}

export async function addUserPosts(db: Conn, poolId: string, userId: string, postIds: string[], now: string): Promise<void> {
  if (postIds.length === 0) return;
  await db
    .insertInto('user_posts')
    .values(postIds.map((postId) => ({ pool_id: poolId, post_id: postId, user_id: userId, created_at: now })))
    .onConflict((oc) => oc.columns(['post_id', 'user_id']).doNothing())
    .execute();
}

export async function removeUserPosts(db: Conn, poolId: string, userId: string, postIds: string[]): Promise<void> {
  if (postIds.length === 0) return;
  await db.deleteFrom('user_posts').where('pool_id', '=', poolId).where('user_id', '=', userId).where('post_id', 'in', postIds).execute();
}

export async function memberIds(db: Conn, poolId: string, postId: string, offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
  const base = db.selectFrom('user_posts').where('pool_id', '=', poolId).where('post_id', '=', postId);
  const [rows, count] = await Promise.all([
    base.select('user_id').orderBy('created_at', 'asc').orderBy('user_id', 'asc').offset(offset).limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { ids: rows.map((r) => r.user_id), total: Number(count.n) };
}
