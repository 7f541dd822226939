import type { Db, Tx } from '../store/database.js';
import { isUniqueViolation } from '../store/database.js';
import * as store from '../store/groups.js';
import type { GroupRow } from '../store/groups.js';
import { newId } from '../lib/ids.js';
import { nowIso, parseJson, toJson } from '../store/values.js';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import type { Scope } from './context.js';
import { resolveAllUsers, resolveUser, resolveUsersForNewRelation, withUserPhrase } from './user-resolver.js';
import { toUserView, toUserViews, type UserView, type UserViewOptions } from './user-view.js';
import { removeAuthorizationsOfTargets, checkCode, checkList, checkLookupCode, checkPaging, formatError } from './namespaces.js';
import { enqueueEvent, enqueueEvents } from './outbox.js';
import { groupErrors } from '../messages/groups.js';

/** Groups (用户分组): a pool-wide code, a name, free custom data, and users as members. */

export interface GroupView {
  id: string;
  code: string;
  name: string;
  description: string;
  type: string;
  metadataSource: string[];
  members: UserView[];
  customData?: Record<string, unknown>;
  [key: string]: unknown;
}

const DEFAULT_TYPE = 'static';

interface ViewOptions {
  withCustomData?: boolean;
  flatCustomData?: boolean;
}

function toGroupView(row: GroupRow, options: ViewOptions = {}, members: UserView[] = []): GroupView {
  const view: GroupView = { id: row.id, code: row.code, name: row.name, description: row.description, type: row.type, metadataSource: [], members };
  if (!options.withCustomData && !options.flatCustomData) return view;
  const custom = parseJson<Record<string, unknown>>(row.custom_data, {});
  // Flattened keys never shadow the group's own fields.
  return options.flatCustomData ? { ...custom, ...view } : { ...view, customData: custom };
}

const groupNotFound = groupErrors.notFound;
const duplicate = (code: string, field: string) => conflict(`${field}: group "${code}" already exists in this user pool (分组标识符已存在)`);

export async function findGroup(db: Db | Tx, poolId: string, code: string, field = 'code'): Promise<GroupRow> {
  const [row] = await store.findByCodes(db, poolId, [code]);
  if (!row) throw groupNotFound(code, field);
  return row;
}

function customDataObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field}: must be an object`);
  return value as Record<string, unknown>;
}

export interface GroupInput {
  code: string;
  name: string;
  description?: string;
  type?: string;
  customData?: unknown;
}

async function insertGroups(scope: Scope, inputs: GroupInput[], where: (i: number) => string): Promise<GroupView[]> {
  const now = nowIso();
  const seen = new Set<string>();
  const rows: GroupRow[] = inputs.map((input, i) => {
    if (seen.has(input.code)) throw duplicate(input.code, `${where(i)}code`);
    seen.add(input.code);
    return {
      id: newId(), pool_id: scope.poolId, code: input.code, name: input.name, description: input.description ?? '', type: input.type || DEFAULT_TYPE,
      custom_data: toJson(customDataObject(input.customData, `${where(i)}customData`)), created_at: now, updated_at: now,
    };
  });
  return scope.db.transaction().execute(async (trx) => {
    const taken = await store.findByCodes(trx, scope.poolId, rows.map((r) => r.code));
    if (taken.length) throw duplicate(taken[0].code, `${where(inputs.findIndex((x) => x.code === taken[0].code))}code`);
    try {
      await store.insert(trx, rows);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(inputs[0].code, 'code');
      throw error;
    }
    await enqueueEvents(trx, scope, 'group:created', rows.map((r) => toGroupView(r)));
    return rows.map((r) => toGroupView(r));
  });
}

export async function createGroup(scope: Scope, input: GroupInput): Promise<GroupView> {
  checkCode('group', input.code, 'code');
  return (await insertGroups(scope, [input], () => ''))[0];
}

export async function createGroups(scope: Scope, list: GroupInput[]): Promise<GroupView[]> {
  checkList(list, 'list');
  list.forEach((item, i) => {
    try {
      checkCode('group', item.code, `list[${i}].code`);
    } catch (error) {
      // GenAuth reports any bad item as a format error of `list`; ours also says which item.
      if (error instanceof AppError) throw formatError('list', `list[${i}].code "${item.code}" must be 1 to 64 letters, digits or _ . : -`);
      throw error;
    }
  });
  return insertGroups(scope, list, (i) => `list[${i}].`);
}

export async function getGroup(scope: Scope, code: string, options: ViewOptions = {}): Promise<GroupView> {
  checkLookupCode(code);
  return toGroupView(await findGroup(scope.db, scope.poolId, code), options);
}

export async function listGroups(
  scope: Scope,
  query: { keywords?: string; page?: number; limit?: number } & ViewOptions,
): Promise<{ list: GroupView[]; totalCount: number }> {
  const { offset, limit } = checkPaging(query.page, query.limit);
  const { rows, total } = await store.list(scope.db, scope.poolId, query.keywords, offset, limit);
  return { list: rows.map((r) => toGroupView(r, query)), totalCount: total };
}

/** Every group of the pool, unpaged, optionally with its members (loaded in one query). */
export async function getAllGroups(scope: Scope, options: { fetchMembers?: boolean } & ViewOptions): Promise<GroupView[]> {
  const { rows } = await store.list(scope.db, scope.poolId, undefined, 0, undefined);
  const members = new Map<string, UserView[]>();
  if (options.fetchMembers) {
    for (const { group_id, user } of await store.membersOfGroups(scope.db, scope.poolId, rows.map((r) => r.id))) {
      members.set(group_id, [...(members.get(group_id) ?? []), toUserView(user)]);
    }
  }
  return rows.map((r) => toGroupView(r, options, members.get(r.id) ?? []));
}

export interface GroupUpdate {
  code: string;
  newCode?: string;
  name?: string;
  description?: string;
  customData?: unknown;
}

export async function updateGroup(scope: Scope, input: GroupUpdate): Promise<GroupView> {
  checkLookupCode(input.code);
  if (input.newCode) checkCode('group', input.newCode, 'newCode');
  return scope.db.transaction().execute(async (trx) => {
    const row = await findGroup(trx, scope.poolId, input.code);
    const changes: Partial<GroupRow> = { updated_at: nowIso() };
    if (input.newCode && input.newCode !== row.code) {
      if ((await store.findByCodes(trx, scope.poolId, [input.newCode])).length) throw duplicate(input.newCode, 'newCode');
      changes.code = input.newCode;
    }
    if (input.name) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.customData !== undefined) {
      // Merged into what is there, so a client can set one key without resending the rest.
      changes.custom_data = toJson({ ...parseJson<Record<string, unknown>>(row.custom_data, {}), ...customDataObject(input.customData, 'customData') });
    }
    await store.update(trx, scope.poolId, row.id, changes);
    await enqueueEvent(trx, scope, 'group:updated', { ...toGroupView({ ...row, ...changes }), previousCode: row.code });
    return toGroupView({ ...row, ...changes });
  });
}

/** Codes that do not exist are skipped, as GenAuth does; members and authorizations go with the groups. */
export async function deleteGroups(scope: Scope, codes: string[]): Promise<{ success: boolean }> {
  checkList(codes, 'codeList');
  return scope.db.transaction().execute(async (trx) => {
    const found = await store.findByCodes(trx, scope.poolId, codes);
    const ids = found.map((r) => r.id);
    await removeAuthorizationsOfTargets(trx, scope.poolId, 'GROUP', ids);
    await store.remove(trx, scope.poolId, ids); // members cascade
    await enqueueEvents(trx, scope, 'group:deleted', found.map((r) => ({ groupId: r.id, code: r.code })));
    return { success: true };
  });
}

export async function addGroupMembers(scope: Scope, code: string, userIds: string[]): Promise<{ success: boolean }> {
  checkLookupCode(code);
  checkList(userIds, 'userIds');
  return scope.db.transaction().execute(async (trx) => {
    const group = await findGroup(trx, scope.poolId, code);
    const users = await withUserPhrase(() => resolveUsersForNewRelation(trx, scope, userIds, 'user_id', 'userIds'));
    await store.addMembers(trx, scope.poolId, group.id, users.map((u) => u.id), nowIso());
    await enqueueEvent(trx, scope, 'group:member-added', { groupId: group.id, code: group.code, userIds: users.map((u) => u.id) });
    return { success: true };
  });
}

export async function removeGroupMembers(scope: Scope, code: string, userIds: string[]): Promise<{ success: boolean }> {
  checkLookupCode(code);
  checkList(userIds, 'userIds');
  return scope.db.transaction().execute(async (trx) => {
    const group = await findGroup(trx, scope.poolId, code);
    const users = await withUserPhrase(() => resolveAllUsers(trx, scope.poolId, userIds, 'user_id', 'userIds'));
    await store.removeMembers(trx, scope.poolId, group.id, users.map((u) => u.id));
    await enqueueEvent(trx, scope, 'group:member-removed', { groupId: group.id, code: group.code, userIds: users.map((u) => u.id) });
    return { success: true };
  });
}

export async function listGroupMembers(
  scope: Scope,
  query: { code: string; page?: number; limit?: number } & UserViewOptions,
): Promise<{ list: UserView[]; totalCount: number }> {
  checkLookupCode(query.code);
  const { offset, limit } = checkPaging(query.page, query.limit);
  const group = await findGroup(scope.db, scope.poolId, query.code);
  const { rows, total } = await store.listMembers(scope.db, scope.poolId, group.id, offset, limit);
  return { list: await toUserViews(scope.db, scope.poolId, rows, query), totalCount: total };
}

export async function getUserGroups(scope: Scope, userId: string, userIdType?: string): Promise<{ list: GroupView[]; totalCount: number }> {
  const user = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  const rows = await store.groupsOfUser(scope.db, scope.poolId, user.id);
  return { list: rows.map((r) => toGroupView(r)), totalCount: rows.length };
}

/**
 * create-or-update-group: the group with this code gets the name, description and type given,
 * or is created with them; `created` says which. One transaction; a create that loses a race
 * with another create of the same code becomes the update it would have been a moment later.
 */
export async function createOrUpdateGroup(scope: Scope, input: { code: string; name: string; description: string; type: string }): Promise<{ created: boolean; data: GroupView }> {
  checkCode('group', input.code, 'code');
  const attempt = () =>
    scope.db.transaction().execute(async (trx) => {
      const [row] = await store.findByCodes(trx, scope.poolId, [input.code]);
      const now = nowIso();
      if (!row) {
        const fresh: GroupRow = {
          id: newId(), pool_id: scope.poolId, code: input.code, name: input.name, description: input.description, type: input.type || DEFAULT_TYPE,
          custom_data: '{}', created_at: now, updated_at: now,
        };
        await store.insert(trx, [fresh]);
        await enqueueEvent(trx, scope, 'group:created', toGroupView(fresh));
        return { created: true, data: toGroupView(fresh) };
      }
      const changes: Partial<GroupRow> = { name: input.name, description: input.description, type: input.type || row.type, updated_at: now };
      await store.update(trx, scope.poolId, row.id, changes);
      const updated = toGroupView({ ...row, ...changes });
      await enqueueEvent(trx, scope, 'group:updated', { ...updated, previousCode: row.code });
      return { created: false, data: updated };
    });
  try {
    return await attempt();
  } catch (error) {
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}
