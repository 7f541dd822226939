import { lockRows, type Db, type Dialect, type Tx } from '../store/database.js';
import * as users from '../store/users.js';
import type { UserRow } from '../store/users.js';
import { userErrors } from '../messages/users.js';
import { AppError, ApiCode } from '../errors.js';
import { USER_ID_TYPES, type UserIdType } from './user-fields.js';

const COLUMN: Partial<Record<UserIdType, users.UserKeyColumn>> = {
  user_id: 'id',
  username: 'username',
  email: 'email_key',
  phone: 'phone',
  external_id: 'external_id',
};

const COMPOUND_FORM: Partial<Record<UserIdType, string>> = {
  identity: '<extIdpId>:<userIdInIdp>',
  sync_relation: '<provider>:<userIdInIdp>',
};

export function checkUserIdType(type: string | undefined, field = 'userIdType'): UserIdType {
  const value = type ?? 'user_id';
  if (!(USER_ID_TYPES as readonly string[]).includes(value)) {
    throw userErrors.unknownIdType(field, value, USER_ID_TYPES);
  }
  return value as UserIdType;
}

function splitCompound(id: string, type: UserIdType, field: string): [string, string] {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) throw userErrors.notCompound(field, id, type, COMPOUND_FORM[type]!);
  return [id.slice(0, at), id.slice(at + 1)];
}

// Loose on purpose (the cloud accepts international and dashed phones): only identifiers that
// cannot be an email or a phone at all are refused, so a typo reads as a 400, not "not found".
const SHAPE: Partial<Record<UserIdType, { pattern: RegExp; what: string }>> = {
  email: { pattern: /^[^\s@]+@[^\s@]+$/, what: 'an email address' },
  phone: { pattern: /^\+?[0-9][0-9 ()-]*$/, what: 'a phone number' },
};

function checkShape(ids: string[], type: UserIdType, field: string): void {
  const shape = SHAPE[type];
  const bad = shape && ids.find((id) => !shape.pattern.test(id));
  if (bad !== undefined) throw userErrors.badShape(field, bad, shape!.what, type);
}

/**
 * The one identifier resolver every endpoint with `userIdType` uses. Answers a map from each
 * given identifier to its user in this pool; identifiers that match nobody are absent.
 */
export async function resolveUsers(db: Db | Tx, poolId: string, ids: string[], rawType: string | undefined, field = 'userId'): Promise<Map<string, UserRow>> {
  const type = checkUserIdType(rawType);
  const unique = [...new Set(ids)];
  checkShape(unique, type, field);
  const result = new Map<string, UserRow>();
  const column = COLUMN[type];
  if (column) {
    const keyOf = (v: string) => (type === 'email' ? v.toLowerCase() : v);
    const rows = await users.findManyBy(db, poolId, column, unique.map(keyOf));
    const byKey = new Map(rows.map((row) => [String(row[column]), row]));
    for (const id of unique) {
      const row = byKey.get(keyOf(id));
      if (row) result.set(id, row);
    }
    return result;
  }
  const pairs = unique.map((id) => splitCompound(id, type, field));
  const links = type === 'identity' ? await users.findIdsByIdentity(db, poolId, pairs) : await users.findIdsBySyncRelation(db, poolId, pairs);
  const rows = await users.findManyBy(db, poolId, 'id', [...new Set(links.map((l) => l.userId))]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const link of links) {
    const row = byId.get(link.userId);
    if (row) result.set(link.key, row);
  }
  return result;
}

export async function resolveUser(db: Db | Tx, poolId: string, id: string, type: string | undefined, field = 'userId'): Promise<UserRow> {
  const found = (await resolveUsers(db, poolId, [id], type, field)).get(id);
  if (!found) throw userErrors.notFound(field, id, type ?? 'user_id');
  return found;
}

/** All or nothing: the error names every identifier that did not resolve. */
export async function resolveAllUsers(db: Db | Tx, poolId: string, ids: string[], type: string | undefined, field = 'userIds'): Promise<UserRow[]> {
  const found = await resolveUsers(db, poolId, ids, type, field);
  const missing = [...new Set(ids)].filter((id) => !found.has(id));
  if (missing.length) {
    throw userErrors.someNotFound(field, missing, type ?? 'user_id');
  }
  return ids.map((id) => found.get(id)!);
}

/**
 * For every write that gives users a new relation: resolves all identifiers (all or nothing),
 * locks the user rows until the transaction ends (PostgreSQL; SQLite has one writer anyway) and
 * refuses resigned users. Taking the lock before reading the status is what stops a
 * concurrent resignation from leaving a relation behind.
 */
export async function resolveUsersForNewRelation(
  trx: Tx,
  scope: { poolId: string; dialect: Dialect },
  ids: string[],
  type: string | undefined,
  field = 'userIds',
): Promise<UserRow[]> {
  const rows = await resolveAllUsers(trx, scope.poolId, ids, type, field);
  await lockRows(trx, scope.dialect, 'users', rows.map((r) => r.id));
  const fresh = await users.findManyBy(trx, scope.poolId, 'id', rows.map((r) => r.id));
  const resigned = fresh.filter((r) => r.status === 'Resigned');
  if (resigned.length) {
    throw userErrors.resigned(field, resigned.map((r) => r.id));
  }
  return rows;
}

/** Appends GenAuth's phrase to the resolver's message so clients matching on it keep working. */
export async function withUserPhrase<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.apiCode === ApiCode.USER_NOT_FOUND) throw new AppError(error.statusCode, error.apiCode, `${error.message} (用户不存在)`);
    throw error;
  }
}
