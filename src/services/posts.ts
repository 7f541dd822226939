import type { Scope } from './context.js';
import * as store from '../store/posts.js';
import type { PostRow } from '../store/posts.js';
import * as departments from '../store/departments.js';
import { isUniqueViolation, type Db, type Tx } from '../store/database.js';
import { newId } from '../lib/ids.js';
import { nowIso, opt, parseJson, toJson } from '../store/values.js';
import { conflict, notFound } from '../errors.js';
import { toUserViews, type UserView } from './user-view.js';
import { resolveUser, resolveUsersForNewRelation } from './user-resolver.js';
import * as users from '../store/users.js';
import type { ListPostInput } from '../schemas/posts.js';

export interface PostView {
  id: string;
  code: string;
  name: string;
  description?: string;
  departmentIdList: string[];
}

function toPostView(row: PostRow): PostView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: opt(row.description),
    departmentIdList: parseJson<string[]>(row.department_ids, []),
  };
}

/** The SDK sends departmentIdList as a comma-separated string; an array works too. */
function splitList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : value.split(',');
  return [...new Set(items.map((v) => v.trim()).filter(Boolean))];
}

async function checkDepartments(db: Db | Tx, poolId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await departments.findByIds(db, poolId, ids)).map((d) => d.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw notFound(`departmentIdList: no department ${missing.map((m) => `"${m}"`).join(', ')} in this user pool`);
}

async function requirePost(db: Db | Tx, poolId: string, code: string, field = 'code'): Promise<PostRow> {
  const row = await store.findByCode(db, poolId, code);
  if (!row) throw notFound(`${field}: no post "${code}" in this user pool`);
  return row;
}

export interface PostInput {
  code: string;
  name: string;
  description?: string;
  departmentIdList?: string | string[];
}

export async function createPost(scope: Scope, input: PostInput): Promise<PostView> {
  const departmentIds = splitList(input.departmentIdList) ?? [];
  const now = nowIso();
  const row: PostRow = {
    id: newId(),
    pool_id: scope.poolId,
    code: input.code,
    name: input.name,
    description: input.description ?? null,
    department_ids: toJson(departmentIds),
    created_at: now,
    updated_at: now,
  };
  try {
    await scope.db.transaction().execute(async (trx) => {
      await checkDepartments(trx, scope.poolId, departmentIds);
      await store.insertPost(trx, row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`code: a post "${input.code}" already exists in this user pool`);
    throw error;
  }
  return toPostView(row);
}

export async function getPost(scope: Scope, code: string): Promise<PostView> {
  return toPostView(await requirePost(scope.db, scope.poolId, code));
}

export async function getPostsById(scope: Scope, idList: string | string[]): Promise<PostView[]> {
  const ids = splitList(idList) ?? [];
  const byId = new Map((await store.findByIds(scope.db, scope.poolId, ids)).map((r) => [r.id, r]));
  return ids.filter((id) => byId.has(id)).map((id) => toPostView(byId.get(id)!));
}

/** Updates name, description and departments of the post found by code (the code itself is the key). */
export async function updatePost(scope: Scope, input: PostInput): Promise<PostView> {
  return scope.db.transaction().execute(async (trx) => {
    const row = await requirePost(trx, scope.poolId, input.code);
    const departmentIds = splitList(input.departmentIdList);
    if (departmentIds) await checkDepartments(trx, scope.poolId, departmentIds);
    const changes: Partial<PostRow> = {
      name: input.name,
      updated_at: nowIso(),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(departmentIds ? { department_ids: toJson(departmentIds) } : {}),
    };
    await store.updatePost(trx, scope.poolId, row.id, changes);
    return toPostView({ ...row, ...changes });
  });
}

/** Deletes the post and every user's assignment to it in one transaction. */
export async function removePost(scope: Scope, code: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const row = await requirePost(trx, scope.poolId, code);
    await store.deletePost(trx, scope.poolId, row.id);
  });
  return { success: true };
}

const toEpochIso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export async function listPosts(scope: Scope, input: ListPostInput) {
  const page = input.page ?? 1;
  const limit = input.limit ?? 10;
  const { rows, total } = await store.listPosts(scope.db, scope.poolId, {
    keywords: input.keywords,
    codes: input.postCodes,
    createdAfter: toEpochIso(input.createdAfter),
    createdBefore: toEpochIso(input.createdBefore),
    updatedAfter: toEpochIso(input.updatedAfter),
    updatedBefore: toEpochIso(input.updatedBefore),
    offset: (page - 1) * limit,
    limit,
  });
  const counts = input.skipCount ? undefined : await store.countUsers(scope.db, scope.poolId, rows.map((r) => r.id));
  const list = rows.map((row) => {
    const view = toPostView(row);
    return {
      ...view,
      metadataSource: [] as string[],
      ...(counts ? { userCount: counts.get(row.id) ?? 0, departmentCount: view.departmentIdList.length } : {}),
    };
  });
  return { list, totalCount: total };
}

async function postsOfUser(db: Db | Tx, poolId: string, userId: string): Promise<PostView[]> {
  const ids = (await store.postIdsOfUsers(db, poolId, [userId])).get(userId) ?? [];
  const byId = new Map((await store.findByIds(db, poolId, ids)).map((r) => [r.id, r]));
  return ids.map((id) => toPostView(byId.get(id)!));
}

export async function getUserPosts(scope: Scope, userId: string, userIdType?: string): Promise<PostView[]> {
  const user = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  return postsOfUser(scope.db, scope.poolId, user.id);
}

/** The deprecated single-post read: the user's first post; 404 when they hold none. */
export async function getUserPost(scope: Scope, userId: string, userIdType?: string): Promise<PostView> {
  const [first] = await getUserPosts(scope, userId, userIdType);
  if (!first) throw notFound(`userId: user "${userId}" holds no post`);
  return first;
}

async function requirePostIds(trx: Tx, poolId: string, ids: string[], field: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = new Set((await store.findByIds(trx, poolId, unique)).map((r) => r.id));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) throw notFound(`${field}: no post ${missing.map((m) => `"${m}"`).join(', ')} in this user pool`);
  return unique;
}

/** Replaces the user's posts with exactly the given ones. */
export async function setUserPosts(scope: Scope, userId: string, postIds: string[], userIdType?: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const [user] = await resolveUsersForNewRelation(trx, scope, [userId], userIdType, 'userId');
    const wanted = await requirePostIds(trx, scope.poolId, postIds, 'postIds');
    const held = (await store.postIdsOfUsers(trx, scope.poolId, [user.id])).get(user.id) ?? [];
    await store.removeUserPosts(trx, scope.poolId, user.id, held.filter((id) => !wanted.includes(id)));
    await store.addUserPosts(trx, scope.poolId, user.id, wanted.filter((id) => !held.includes(id)), nowIso());
  });
  return { success: true };
}

/** Adds one post to the user's posts; holding it already is fine. */
export async function connectUserToPost(scope: Scope, userId: string, postId: string, userIdType?: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const [user] = await resolveUsersForNewRelation(trx, scope, [userId], userIdType, 'userId');
    await requirePostIds(trx, scope.poolId, [postId], 'postId');
    await store.addUserPosts(trx, scope.poolId, user.id, [postId], nowIso());
  });
  return { success: true };
}

/** The post's side of the relation: its users, a page at a time. */
export async function listPostMembers(scope: Scope, code: string, page = 1, limit = 10): Promise<{ list: UserView[]; totalCount: number }> {
  const post = await requirePost(scope.db, scope.poolId, code);
  const { ids, total } = await store.memberIds(scope.db, scope.poolId, post.id, (page - 1) * limit, limit);
  const byId = new Map((await users.findManyBy(scope.db, scope.poolId, 'id', ids)).map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
  return { list: await toUserViews(scope.db, scope.poolId, rows), totalCount: total };
}

/** Removes every post assignment of the given users (resignation); answers what was removed. */
export async function removePostsOfUsers(trx: Tx, poolId: string, userIds: string[]): Promise<Map<string, string[]>> {
  const held = await store.postIdsOfUsers(trx, poolId, userIds);
  for (const [userId, postIds] of held) await store.removeUserPosts(trx, poolId, userId, postIds);
  return held;
}
