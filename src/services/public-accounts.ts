import type { Db, Tx } from '../store/database.js';
import type { UserRow } from '../store/users.js';
import * as bindings from '../store/public-accounts.js';
import { deleteUsers as deleteUserRows, setAccountType } from '../store/users.js';
import { nowIso } from '../store/values.js';
import { ApiCode, badRequest, notFound } from '../errors.js';
import type { Scope } from './context.js';
import { createUsers, translateUniqueViolation, updateResolvedUser, type CreateUserInput, type CreateUserOptions, type UpdateUserInput } from './users.js';
import { listUsers, type ListUsersInput } from './user-list.js';
import { resolveAllUsers, resolveUser, resolveUsers, resolveUsersForNewRelation } from './user-resolver.js';
import { hashPassword } from './passwords.js';
import { toUserViews, type UserView, type UserViewOptions } from './user-view.js';
import { enqueueEvent, enqueueEvents } from './outbox.js';
import { recordAudit } from './audit.js';
import * as roles from './roles.js';
import * as groups from './groups.js';
import * as departmentMembers from './department-members.js';
import * as posts from './posts.js';
import * as roleStore from '../store/roles.js';
import * as groupStore from '../store/groups.js';
import * as postStore from '../store/posts.js';
import { kickAccount } from './sessions.js';

/**
 * A public account is a `users` row with account_type 'public_account': a shared login several
 * people use. It has the user's profile, status and relations; bindings say who may use it.
 */
const isPublic = (row: UserRow) => row.account_type === 'public_account';

function notPublic(ids: string[], field: string) {
  return notFound(`${field}: ${ids.map((id) => `"${id}"`).join(', ')} ${ids.length === 1 ? 'is' : 'are'} not a public account in this user pool`, ApiCode.USER_NOT_FOUND);
}

async function resolvePublicAccount(db: Db | Tx, poolId: string, id: string, type: string | undefined, field = 'userId'): Promise<UserRow> {
  const row = await resolveUser(db, poolId, id, type, field);
  if (!isPublic(row)) throw notPublic([id], field);
  return row;
}

function assertPersonal(rows: UserRow[], field: string): void {
  const shared = rows.filter(isPublic);
  if (shared.length) throw badRequest(`${field}: ${shared.map((r) => `"${r.id}"`).join(', ')} ${shared.length === 1 ? 'is a public account' : 'are public accounts'}; only personal accounts can be bound to a public account`);
}

export async function createPublicAccounts(scope: Scope, inputs: CreateUserInput[], options: CreateUserOptions = {}): Promise<UserView[]> {
  // createUsers announces them as user:created with accountType public_account.
  return createUsers(scope, inputs, options, {}, { accountType: 'public_account' });
}

export async function getPublicAccount(scope: Scope, id: string, type: string | undefined, view: UserViewOptions): Promise<UserView> {
  const row = await resolvePublicAccount(scope.db, scope.poolId, id, type);
  return (await toUserViews(scope.db, scope.poolId, [row], view))[0];
}

/** The public accounts found, in the order asked; identifiers matching none are left out. */
export async function getPublicAccounts(scope: Scope, ids: string[], type: string | undefined, view: UserViewOptions): Promise<UserView[]> {
  const found = await resolveUsers(scope.db, scope.poolId, ids, type, 'userIds');
  const rows = [...new Set(ids)].map((id) => found.get(id)).filter((row): row is UserRow => Boolean(row && isPublic(row)));
  return toUserViews(scope.db, scope.poolId, rows, view);
}

export async function listPublicAccounts(scope: Scope, input: ListUsersInput) {
  return listUsers(scope, input, 'public_account');
}

/** One or many updates, all or nothing; passwords are hashed before the transaction opens. */
export async function updatePublicAccounts(scope: Scope, inputs: UpdateUserInput[]): Promise<UserView[]> {
  const hashes = await Promise.all(inputs.map((input) => (input.password ? hashPassword(input.password) : Promise.resolve(undefined))));
  const where = (i: number) => (inputs.length > 1 ? `list[${i}].` : '');
  try {
    return await scope.db.transaction().execute(async (trx) => {
      const views: UserView[] = [];
      for (const [i, input] of inputs.entries()) {
        const row = await resolvePublicAccount(trx, scope.poolId, input.userId, input.options?.userIdType, `${where(i)}userId`);
        views.push(await updateResolvedUser(trx, scope, row, input, hashes[i], where(i)));
      }
      return views;
    });
  } catch (error) {
    return translateUniqueViolation(error);
  }
}

/**
 * Deletes public accounts all or nothing; their bindings and relations go through the foreign
 * keys' cascade. The audit entry keeps the bindings that were removed.
 */
export async function deletePublicAccounts(scope: Scope, ids: string[], type: string | undefined): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const rows = await resolveAllUsers(trx, scope.poolId, ids, type, 'userIds');
    const personal = rows.filter((r) => !isPublic(r));
    if (personal.length) throw notPublic(personal.map((r) => r.id), 'userIds');
    const accountIds = rows.map((r) => r.id);
    const removed = await bindings.bindingsOf(trx, scope.poolId, accountIds);
    await recordAudit(trx, scope, {
      action: 'delete-public-accounts-batch',
      targetType: 'public_account',
      targetIds: accountIds,
      detail: { bindingsRemoved: removed.map((b) => ({ publicAccountId: b.public_account_id, userId: b.user_id, since: b.created_at })) },
    });
    await enqueueEvents(trx, scope, 'user:deleted', accountIds.map((id) => ({
      userId: id, accountType: 'public_account', bindingsRemoved: removed.filter((b) => b.public_account_id === id).map((b) => b.user_id),
    })));
    await deleteUserRows(trx, scope.poolId, accountIds);
  });
  return { success: true };
}

/** Binds users to a public account (added to those already bound). */
export async function bindUsers(scope: Scope, publicAccountId: string, userIds: string[]): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    // Both sides are user rows: locking them refuses resigned ones and serialises with resignation.
    const [account] = await resolveUsersForNewRelation(trx, scope, [publicAccountId], 'user_id', 'publicAccountId');
    if (!isPublic(account)) throw notPublic([publicAccountId], 'publicAccountId');
    const members = await resolveUsersForNewRelation(trx, scope, userIds, 'user_id', 'userIds');
    assertPersonal(members, 'userIds');
    const now = nowIso();
    await bindings.insertBindings(trx, members.map((m) => ({ pool_id: scope.poolId, public_account_id: account.id, user_id: m.id, created_at: now })));
  });
  return { success: true };
}

/** Binds one user to several public accounts (added to those already bound). */
export async function bindPublicAccounts(scope: Scope, userId: string, publicAccountIds: string[]): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const [user] = await resolveUsersForNewRelation(trx, scope, [userId], 'user_id', 'userId');
    assertPersonal([user], 'userId');
    const accounts = await resolveUsersForNewRelation(trx, scope, publicAccountIds, 'user_id', 'publicAccountIds');
    const personal = accounts.filter((a) => !isPublic(a));
    if (personal.length) throw notPublic(personal.map((a) => a.id), 'publicAccountIds');
    const now = nowIso();
    await bindings.insertBindings(trx, accounts.map((a) => ({ pool_id: scope.poolId, public_account_id: a.id, user_id: user.id, created_at: now })));
  });
  return { success: true };
}

/** Safe to retry: unbinding a pair that is not bound succeeds and changes nothing. */
export async function unbind(scope: Scope, userId: string, publicAccountId: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const user = await resolveUser(trx, scope.poolId, userId, 'user_id', 'userId');
    const account = await resolvePublicAccount(trx, scope.poolId, publicAccountId, 'user_id', 'publicAccountId');
    await bindings.deleteBinding(trx, scope.poolId, account.id, user.id);
  });
  return { success: true };
}

export interface BoundPage {
  page?: number;
  limit?: number;
}

export async function publicAccountsOfUser(scope: Scope, userId: string, paging: BoundPage) {
  const user = await resolveUser(scope.db, scope.poolId, userId, 'user_id', 'userId');
  return boundList(scope, 'public_account_id', user.id, paging);
}

export async function usersOfPublicAccount(scope: Scope, publicAccountId: string, paging: BoundPage) {
  const account = await resolvePublicAccount(scope.db, scope.poolId, publicAccountId, 'user_id', 'publicAccountId');
  return boundList(scope, 'user_id', account.id, paging);
}

async function boundList(scope: Scope, side: 'public_account_id' | 'user_id', ofId: string, paging: BoundPage) {
  const page = paging.page ?? 1;
  const limit = paging.limit ?? 50;
  const { rows, total } = await bindings.listBound(scope.db, scope.poolId, side, ofId, (page - 1) * limit, limit);
  return { list: await toUserViews(scope.db, scope.poolId, rows), totalCount: total };
}


/*
 * Relations of public accounts. A public account is a user row, so each call checks the account
 * is public and then goes through the user-side service of that family, with its rules (the
 * resigned-user check included) and its answer shapes.
 */

async function requirePublic(scope: Scope, userId: string, userIdType?: string): Promise<void> {
  await resolvePublicAccount(scope.db, scope.poolId, userId, userIdType);
}

export async function rolesOfPublicAccount(scope: Scope, query: { userId: string; userIdType?: string; namespace?: string }) {
  await requirePublic(scope, query.userId, query.userIdType);
  return roles.getUserRoles(scope, query.userId, query.userIdType, query.namespace);
}

export async function groupsOfPublicAccount(scope: Scope, query: { userId: string; userIdType?: string }) {
  await requirePublic(scope, query.userId, query.userIdType);
  return groups.getUserGroups(scope, query.userId, query.userIdType);
}

export async function departmentsOfPublicAccount(scope: Scope, query: Parameters<typeof departmentMembers.getUserDepartments>[1]) {
  await requirePublic(scope, query.userId, query.userIdType);
  return departmentMembers.getUserDepartments(scope, query);
}

export async function setDepartmentsOfPublicAccount(scope: Scope, body: Parameters<typeof departmentMembers.setUserDepartments>[1]) {
  await requirePublic(scope, body.userId, body.options?.userIdType);
  return departmentMembers.setUserDepartments(scope, body);
}

export async function postOfPublicAccount(scope: Scope, userId: string, userIdType?: string) {
  await requirePublic(scope, userId, userIdType);
  return posts.getUserPost(scope, userId, userIdType);
}

export async function connectPublicAccountToPost(scope: Scope, userId: string, postId: string, userIdType?: string) {
  await requirePublic(scope, userId, userIdType);
  return posts.connectUserToPost(scope, userId, postId, userIdType);
}

const RELATION_FIELD: Record<bindings.Relation, string> = { department: 'departmentId', group: 'groupId', post: 'postId', role: 'roleId' };

/** The public accounts in a department or group, holding a post or a role. */
export async function publicAccountsOf(scope: Scope, relation: bindings.Relation, id: string, paging: BoundPage) {
  const field = RELATION_FIELD[relation];
  if (!(await bindings.relationExists(scope.db, scope.poolId, relation, id))) throw notFound(`${field}: no ${relation} "${id}" in this user pool`);
  const page = paging.page ?? 1;
  const limit = paging.limit ?? 50;
  const { rows, total } = await bindings.publicAccountsHolding(scope.db, scope.poolId, relation, id, (page - 1) * limit, limit);
  return { list: await toUserViews(scope.db, scope.poolId, rows), totalCount: total };
}

async function requireAll(trx: Tx, scope: Scope, relation: bindings.Relation, ids: string[], field: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = await bindings.existingIds(trx, scope.poolId, relation, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) throw notFound(`${field}: no ${relation} ${missing.map((m) => `"${m}"`).join(', ')} in this user pool`);
  return unique;
}

/** Locks the account and refuses a resigned one, as every new relation does. */
async function publicAccountForNewRelation(trx: Tx, scope: Scope, userId: string): Promise<UserRow> {
  const [account] = await resolveUsersForNewRelation(trx, scope, [userId], 'user_id', 'userId');
  if (!isPublic(account)) throw notPublic([userId], 'userId');
  return account;
}

/** Adds roles (by id) to a public account; roles it holds already are kept. */
export async function bindRoles(scope: Scope, userId: string, roleIds: string[]): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const account = await publicAccountForNewRelation(trx, scope, userId);
    const ids = await requireAll(trx, scope, 'role', roleIds, 'roleIds');
    await roleStore.assign(trx, scope.poolId, ids, [{ type: 'USER', id: account.id }], {}, nowIso());
  });
  return { success: true };
}

/** Adds a public account to groups (by id); groups it is in already are kept. */
export async function bindGroups(scope: Scope, userId: string, groupIds: string[]): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const account = await publicAccountForNewRelation(trx, scope, userId);
    const ids = await requireAll(trx, scope, 'group', groupIds, 'groupIds');
    const now = nowIso();
    for (const groupId of ids) await groupStore.addMembers(trx, scope.poolId, groupId, [account.id], now);
  });
  return { success: true };
}

/** Removes one post from a public account; not holding it is fine (safe to retry). */
export async function unbindPost(scope: Scope, userId: string, postId: string, userIdType?: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const account = await resolvePublicAccount(trx, scope.poolId, userId, userIdType);
    await requireAll(trx, scope, 'post', [postId], 'postId');
    await postStore.removeUserPosts(trx, scope.poolId, account.id, [postId]);
  });
  return { success: true };
}

/**
 * transfer-into-public-account: a personal account becomes a public account, keeping its id,
 * profile and relations. Its own bindings to public accounts go: a public account is not bound
 * to another. Transferring a public account again changes nothing.
 */
export async function transferIntoPublicAccount(scope: Scope, userId: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const [user] = await resolveUsersForNewRelation(trx, scope, [userId], 'user_id', 'userId');
    if (isPublic(user)) return;
    await bindings.deleteBindingsOfUser(trx, scope.poolId, user.id);
    await setAccountType(trx, scope.poolId, user.id, 'public_account', nowIso());
    await enqueueEvent(trx, scope, 'user:updated', { userId: user.id, accountType: 'public_account', transferredFromUser: true });
  });
  return { success: true };
}

/** kick-public-accounts: ends a public account's sessions in the given applications, as kick-users does for a user. */
export async function kickPublicAccount(scope: Scope, input: { userId: string; appIds: string[]; options?: { userIdType?: string } }): Promise<{ success: boolean }> {
  return kickAccount(scope, input.appIds, (trx) => resolvePublicAccount(trx, scope.poolId, input.userId, input.options?.userIdType));
}
