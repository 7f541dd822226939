import type { Db, Tx } from '../store/database.js';
import type { AccountType } from '../store/tables/foundation.js';
import { isUniqueViolation } from '../store/database.js';
import * as store from '../store/users.js';
import type { UserRow } from '../store/users.js';
import * as identityStore from '../store/identities.js';
import * as history from '../store/login-history.js';
import { newId } from '../lib/ids.js';
import { fromBool, nowIso, toJson, parseJson } from '../store/values.js';
import { ApiCode, AppError, badRequest, conflict } from '../errors.js';
import type { Scope } from './context.js';
import { hashPassword, passwordStrength } from './passwords.js';
import { PROFILE_FIELDS, type ProfileField, type UniqueField, type UserStatus } from './user-fields.js';
import { identityRows, type IdentityInput } from './identities.js';
import { resolveAllUsers, resolveUser, resolveUsers } from './user-resolver.js';
import { placeInDepartments } from './department-members.js';
import { toUserView, toUserViews, type UserView, type UserViewOptions } from './user-view.js';
import { enqueueEvent, enqueueEvents } from './outbox.js';
import { userErrors } from '../messages/users.js';
import { toBool } from '../store/values.js';
import type { EventName } from './event-catalogue.js';
import { syncIdentifiers } from './user-identifiers.js';
import { checkCustomData, checkCustomDataOfMany } from './custom-fields.js';

export type CreateUserInput = Partial<Record<ProfileField, string>> & {
  status?: UserStatus;
  email?: string;
  phone?: string;
  username?: string;
  externalId?: string;
  gender?: string;
  emailVerified?: boolean;
  phoneVerified?: boolean;
  password?: string;
  customData?: Record<string, unknown>;
  identities?: IdentityInput[];
  departmentIds?: string[];
};

export interface CreateUserOptions {
  resetPasswordOnFirstLogin?: boolean;
  departmentIdType?: string;
}

/** The cloud gives every new user this avatar unless one is set; clients show it as is. */
export const DEFAULT_USER_PHOTO = 'https://files.authing.co/authing-console/default-user-avatar.png';

const UNIQUE_COLUMN: Record<UniqueField, keyof UserRow> = { username: 'username', email: 'email_key', phone: 'phone', externalId: 'external_id' };

function uniqueValue(field: UniqueField, value: string): string {
  return field === 'email' ? value.toLowerCase() : value;
}

function takenError(field: UniqueField, value: string, where: string): AppError {
  const apiCode = field === 'username' ? ApiCode.USERNAME_TAKEN : field === 'phone' ? ApiCode.PHONE_TAKEN : ApiCode.USER_EXISTS;
  return conflict(`${where}${field}: "${value}" is already used by another user in this user pool`, apiCode);
}

/** Refuses values another user (or another item of the same batch) already holds. */
async function assertUnique(db: Db | Tx, poolId: string, items: Array<{ values: Partial<Record<UniqueField, string>>; where: string; selfId?: string }>): Promise<void> {
  for (const field of Object.keys(UNIQUE_COLUMN) as UniqueField[]) {
    const seen = new Map<string, string>();
    for (const item of items) {
      const value = item.values[field];
      if (value === undefined || value === null || value === '') continue;
      const key = uniqueValue(field, value);
      if (seen.has(key)) throw takenError(field, value, item.where);
      seen.set(key, item.where);
    }
    if (seen.size === 0) continue;
    const column = UNIQUE_COLUMN[field] as store.UserKeyColumn;
    const holders = await store.findManyBy(db, poolId, column, [...seen.keys()]);
    for (const holder of holders) {
      const key = String(holder[column]);
      const item = items.find((i) => i.values[field] !== undefined && uniqueValue(field, i.values[field]!) === key);
      if (item && holder.id !== item.selfId) throw takenError(field, item.values[field]!, item.where);
    }
  }
}

function profileColumns(input: Partial<Record<ProfileField, string | undefined>>): Partial<UserRow> {
  const columns: Partial<Record<keyof UserRow, unknown>> = {};
  for (const [wire, column] of Object.entries(PROFILE_FIELDS)) {
    const value = input[wire as ProfileField];
    if (value !== undefined) columns[column] = value;
  }
  return columns as Partial<UserRow>;
}

export function translateUniqueViolation(error: unknown): never {
  if (isUniqueViolation(error)) {
    throw conflict('a username, email, phone or externalId given is already used by another user in this user pool', ApiCode.USER_EXISTS);
  }
  throw error;
}

/** What other families add to a creation: the kind of account, and writes in the same transaction. */
export interface CreateUsersExtra {
  accountType?: AccountType;
  /** How the user came to exist (userSourceType): `adminCreated` unless said otherwise. */
  sourceType?: 'adminCreated' | 'register';
  /** Runs right after the rows are inserted (outbox events, audit entries); later steps may still roll it back. */
  inTransaction?: (trx: Tx, rows: UserRow[]) => Promise<void>;
}

/** The rows of new users (passwords already hashed, in `hashes`), before any check against the database. */
export function newUserRows(scope: Scope, inputs: CreateUserInput[], hashes: Array<string | null>, options: CreateUserOptions = {}, extra: CreateUsersExtra = {}): UserRow[] {
  const now = nowIso();
  return inputs.map((input, i) => ({
    id: newId(),
    pool_id: scope.poolId,
    username: input.username ?? null,
    email: input.email ?? null,
    email_key: input.email ? input.email.toLowerCase() : null,
    phone: input.phone ?? null,
    phone_country_code: null,
    external_id: input.externalId ?? null,
    name: null, nickname: null, photo: DEFAULT_USER_PHOTO, birthdate: null, country: null, province: null, city: null, address: null,
    street_address: null, postal_code: null, company: null, browser: null, device: null, given_name: null, family_name: null,
    middle_name: null, profile: null, preferred_username: null, website: null, zoneinfo: null, locale: null, formatted: null,
    region: null, identity_number: null,
    ...profileColumns(input),
    gender: input.gender ?? 'U',
    email_verified: fromBool(input.emailVerified),
    phone_verified: fromBool(input.phoneVerified),
    status: input.status ?? 'Activated',
    work_status: 'Active',
    status_changed_at: null,
    password_hash: hashes[i],
    password_last_set_at: hashes[i] ? now : null,
    password_strength: input.password ? passwordStrength(input.password) : null,
    reset_password_on_next_login: fromBool(options.resetPasswordOnFirstLogin),
    user_source_type: extra.sourceType ?? 'adminCreated',
    logins_count: 0,
    last_login: null,
    last_ip: null,
    custom_data: toJson(input.customData ?? {}),
    created_at: now,
    updated_at: now,
    account_type: extra.accountType ?? 'user',
  }));
}

/**
 * Inserts new users inside the caller's transaction under create-user's rules (unique
 * identifiers, typed custom data, identities, departments) and announces them as user:created.
 */
export async function insertNewUsers(
  trx: Tx, scope: Scope, inputs: CreateUserInput[], rows: UserRow[], options: CreateUserOptions, view: UserViewOptions, extra: CreateUsersExtra, where: (i: number) => string,
): Promise<UserView[]> {
  await assertUnique(trx, scope.poolId, inputs.map((input, i) => ({ values: input, where: where(i) })));
  const withData = inputs.flatMap((input, i) => (input.customData ? [{ i, data: input.customData, field: `${where(i)}customData` }] : []));
  if (withData.length) {
    const checked = await checkCustomDataOfMany(trx, scope.poolId, 'USER', withData);
    withData.forEach(({ i }, n) => (rows[i].custom_data = toJson(checked[n])));
  }
  await store.insertUsers(trx, rows);
  for (const [i, row] of rows.entries()) await syncIdentifiers(trx, scope.poolId, row.id, undefined, row, where(i));
  await extra.inTransaction?.(trx, rows);
  for (const [i, input] of inputs.entries()) {
    if (input.identities?.length) {
      await identityStore.insertIdentities(trx, await identityRows(trx, scope.masterKey, scope.poolId, rows[i].id, input.identities, `${where(i)}identities`));
    }
    if (input.departmentIds?.length) {
      await placeInDepartments(trx, scope, rows[i].id, input.departmentIds, options.departmentIdType, `${where(i)}departmentIds`);
    }
  }
  const views = await toUserViews(trx, scope.poolId, rows, { withCustomData: true, withIdentities: true, ...view });
  await enqueueEvents(trx, scope, 'user:created', views.map((user, i) => ({ userId: user.userId, accountType: rows[i].account_type, user })));
  return views;
}

/**
 * Creates users all or nothing. Passwords are hashed before the transaction opens: hashing is
 * slow, and SQLite lets one writer in at a time.
 */
export async function createUsers(
  scope: Scope,
  inputs: CreateUserInput[],
  options: CreateUserOptions = {},
  view: UserViewOptions = {},
  extra: CreateUsersExtra = {},
): Promise<UserView[]> {
  const where = (i: number) => (inputs.length > 1 ? `list[${i}].` : '');
  inputs.forEach((input, i) => {
    if (!input.username && !input.email && !input.phone && !input.externalId && !input.identities?.length) {
      throw userErrors.needsIdentifier(`${where(i)}username`);
    }
    if (input.phoneCountryCode && !input.phone) throw userErrors.countryCodeWithoutPhone(`${where(i)}phone`);
    if (input.status === 'Resigned') throw badRequest(`${where(i)}status: a user cannot be created as Resigned; create it, then call resign-user`, ApiCode.USER_RESIGNED);
  });
  const hashes = await Promise.all(inputs.map((input) => (input.password ? hashPassword(input.password) : Promise.resolve(null))));
  const rows = newUserRows(scope, inputs, hashes, options, extra);

  try {
    return await scope.db.transaction().execute((trx) => insertNewUsers(trx, scope, inputs, rows, options, view, extra, where));
  } catch (error) {
    return translateUniqueViolation(error);
  }
}

export async function getUser(scope: Scope, userId: string, userIdType: string | undefined, view: UserViewOptions): Promise<UserView> {
  const row = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  return (await toUserViews(scope.db, scope.poolId, [row], view))[0];
}

/** The users found, in the order asked; identifiers matching nobody are left out. */
export async function getUsers(scope: Scope, userIds: string[], userIdType: string | undefined, view: UserViewOptions): Promise<UserView[]> {
  const found = await resolveUsers(scope.db, scope.poolId, userIds, userIdType, 'userIds');
  const rows = [...new Set(userIds)].map((id) => found.get(id)).filter((row): row is UserRow => Boolean(row));
  return toUserViews(scope.db, scope.poolId, rows, view);
}

export type UpdateUserInput = CreateUserInput & {
  userId: string;
  options?: { userIdType?: string; resetPasswordOnNextLogin?: boolean; resetPasswordOnFirstLogin?: boolean };
};

export async function updateUser(scope: Scope, input: UpdateUserInput): Promise<UserView> {
  const hash = input.password ? await hashPassword(input.password) : undefined;
  try {
    return await scope.db.transaction().execute(async (trx) => {
      const user = await resolveUser(trx, scope.poolId, input.userId, input.options?.userIdType);
      return updateResolvedUser(trx, scope, user, input, hash);
    });
  } catch (error) {
    return translateUniqueViolation(error);
  }
}

/**
 * update-user-batch: up to 50 updates under update-user's rules, all or nothing in one
 * transaction; a refusal names the item (`list[i].<field>`) and changes no user. Passwords are
 * hashed before the transaction opens. Each user may appear once.
 */
export async function updateUsers(scope: Scope, inputs: UpdateUserInput[]): Promise<UserView[]> {
  const seen = new Set<string>();
  inputs.forEach((input, i) => {
    if (seen.has(input.userId)) throw userErrors.duplicateInBatch(`list[${i}].userId`, input.userId);
    seen.add(input.userId);
  });
  const hashes = await Promise.all(inputs.map((input) => (input.password ? hashPassword(input.password) : Promise.resolve(undefined))));
  try {
    return await scope.db.transaction().execute(async (trx) => {
      const views: UserView[] = [];
      for (const [i, input] of inputs.entries()) {
        const user = await resolveUser(trx, scope.poolId, input.userId, input.options?.userIdType, `list[${i}].userId`);
        views.push(await updateResolvedUser(trx, scope, user, input, hashes[i], `list[${i}].`));
      }
      return views;
    });
  } catch (error) {
    return translateUniqueViolation(error);
  }
}

/** GenAuth's events for a status an update moves into, and for the one it leaves. */
const STATUS_EVENTS: Record<string, EventName | undefined> = { Suspended: 'user:blocked', Archived: 'user:archived' };
const STATUS_LEFT: Record<string, EventName | undefined> = { Suspended: 'user:unblocked', Archived: 'user:unarchived' };

/**
 * The update rules on an already resolved user, inside the caller's transaction (batch updates
 * of public accounts run several in one). `hash` is computed before the transaction opens.
 */
export async function updateResolvedUser(trx: Tx, scope: Scope, user: UserRow, input: UpdateUserInput, hash: string | undefined, where = ''): Promise<UserView> {
  if (input.status !== undefined && input.status !== user.status) {
    if (user.status === 'Resigned') {
      throw badRequest(`status: user "${input.userId}" has resigned; a resigned user cannot be re-activated, only deleted`, ApiCode.USER_RESIGNED);
    }
    if (input.status === 'Resigned') {
      throw badRequest('status: use resign-user to resign a user: it also removes their relations and ends their sessions', ApiCode.USER_RESIGNED);
    }
  }
  await assertUnique(trx, scope.poolId, [{ values: input, where, selfId: user.id }]);
  const now = nowIso();
  const changes: Partial<UserRow> = { ...profileColumns(input), updated_at: now };
  if (input.username !== undefined) changes.username = input.username || null;
  if (input.email !== undefined) {
    changes.email = input.email || null;
    changes.email_key = input.email ? input.email.toLowerCase() : null;
  }
  if (input.phone !== undefined) changes.phone = input.phone || null;
  if (input.externalId !== undefined) changes.external_id = input.externalId || null;
  if (input.gender !== undefined) changes.gender = input.gender;
  if (input.emailVerified !== undefined) changes.email_verified = fromBool(input.emailVerified);
  if (input.phoneVerified !== undefined) changes.phone_verified = fromBool(input.phoneVerified);
  if (input.status !== undefined && input.status !== user.status) {
    changes.status = input.status;
    changes.status_changed_at = now;
  }
  if (input.customData !== undefined) {
    const checked = await checkCustomData(trx, scope.poolId, 'USER', input.customData, `${where}customData`);
    changes.custom_data = toJson({ ...parseJson<Record<string, unknown>>(user.custom_data, {}), ...checked });
  }
  if (hash) {
    changes.password_hash = hash;
    changes.password_last_set_at = now;
    if (input.password) changes.password_strength = passwordStrength(input.password);
  }
  const reset = input.options?.resetPasswordOnNextLogin ?? input.options?.resetPasswordOnFirstLogin;
  if (reset !== undefined) changes.reset_password_on_next_login = fromBool(reset);
  await store.updateUser(trx, scope.poolId, user.id, changes);
  const updated = await store.findById(trx, scope.poolId, user.id);
  await syncIdentifiers(trx, scope.poolId, user.id, user, updated!, where);
  const view = (await toUserViews(trx, scope.poolId, [updated!], { withCustomData: true }))[0];
  await enqueueEvent(trx, scope, 'user:updated', { userId: user.id, accountType: user.account_type, user: view });
  // A new password set by an administrator lifts any lock-out: the guesses were at the old one.
  if (hash) await history.clearFailures(trx, scope.poolId, user.id);
  if (hash) await enqueueEvent(trx, scope, 'user:password-changed', { userId: user.id, accountType: user.account_type, changedBy: 'administrator' });
  if (changes.status !== undefined) {
    const event = STATUS_EVENTS[changes.status] ?? STATUS_LEFT[user.status];
    if (event) await enqueueEvent(trx, scope, event, { userId: user.id, accountType: user.account_type, status: changes.status, previousStatus: user.status });
  }
  if (changes.email_verified === 1 && !toBool(user.email_verified) && updated!.email) {
    await enqueueEvent(trx, scope, 'user:email-verified', { userId: user.id, accountType: user.account_type, email: updated!.email });
  }
  return view;
}

/**
 * Deletes users all or nothing; every relation goes with them through the foreign keys' cascade.
 */
export async function deleteUsers(scope: Scope, userIds: string[], userIdType?: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const rows = await resolveAllUsers(trx, scope.poolId, userIds, userIdType);
    await store.deleteUsers(trx, scope.poolId, rows.map((r) => r.id));
    await enqueueEvents(trx, scope, 'user:deleted', rows.map((r) => ({ userId: r.id, accountType: r.account_type, user: toUserView(r) })));
  });
  return { success: true };
}

export async function isUserExists(scope: Scope, query: Partial<Record<UniqueField, string>>): Promise<{ exists: boolean }> {
  const given = (Object.keys(UNIQUE_COLUMN) as UniqueField[]).filter((f) => query[f]);
  if (given.length === 0) throw userErrors.noIdentifierGiven();
  for (const field of given) {
    const column = UNIQUE_COLUMN[field] as store.UserKeyColumn;
    if ((await store.findManyBy(scope.db, scope.poolId, column, [uniqueValue(field, query[field]!)])).length) return { exists: true };
  }
  return { exists: false };
}

/** list-archived-users: users whose status is Archived, the latest archived first; startAt in epoch milliseconds. */
export async function listArchivedUsers(scope: Scope, q: { page?: number; limit?: number; startAt?: number }) {
  const since = q.startAt !== undefined ? new Date(q.startAt).toISOString() : undefined;
  const { rows, totalCount } = await store.listByStatus(scope.db, scope.poolId, 'Archived', since, q.page ?? 1, q.limit ?? 10);
  return { totalCount, list: rows.map((r) => ({ userId: r.id, archivedAt: r.status_changed_at ?? r.updated_at })) };
}

/** get-user-mfa-info: Userpool has no second factors yet, so every one reads disabled for a user who exists. */
export async function getUserMfaInfo(scope: Scope, userId: string, userIdType?: string) {
  await resolveUser(scope.db, scope.poolId, userId, userIdType);
  return { totpStatus: 'disabled', faceMfaStatus: 'disabled', smsMfaStatus: 'disabled', emailMfaStatus: 'disabled' } as const;
}
