import { sql } from 'kysely';
import type { Db, Tx } from './database.js';
import { precompiled } from './precompiled.js';
import type { UsersTable } from './tables/foundation.js';
import { likePattern } from './like.js';

export type UserRow = UsersTable;
type Conn = Db | Tx;

export async function insertUsers(db: Conn, rows: UserRow[]): Promise<void> {
  if (rows.length) await db.insertInto('users').values(rows).execute();
}

// userinfo runs this on every call, as do many services: compiled once, not at each call.
const byId = precompiled((db: Conn, poolId: string, id: string) => db.selectFrom('users').selectAll().where('pool_id', '=', poolId).where('id', '=', id));

export async function findById(db: Conn, poolId: string, id: string): Promise<UserRow | undefined> {
  return (await byId(db, poolId, id))[0];
}

export type UserKeyColumn = 'id' | 'username' | 'email_key' | 'phone' | 'external_id';

export async function findManyBy(db: Conn, poolId: string, column: UserKeyColumn, values: string[]): Promise<UserRow[]> {
  if (values.length === 0) return [];
  return db.selectFrom('users').selectAll().where('pool_id', '=', poolId).where(column, 'in', values).execute();
}

/**
 * Users whose username, email key or phone is the given value (at most two: one is an answer,
 * two are an ambiguity). One statement; each branch has its own unique index.
 */
export async function findByAnyIdentifier(db: Conn, poolId: string, values: { username: string; emailKey: string; phone: string }): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where((eb) => eb.or([eb('username', '=', values.username), eb('email_key', '=', values.emailKey), eb('phone', '=', values.phone)]))
    .limit(2)
    .execute();
}

/** Ids of users holding the given identities (`ext_idp_id`, `user_id_in_idp`). */
export async function findIdsByIdentity(db: Conn, poolId: string, pairs: Array<[string, string]>): Promise<Array<{ key: string; userId: string }>> {
  if (pairs.length === 0) return [];
  const rows = await db
    .selectFrom('user_identities')
    .select(['ext_idp_id', 'user_id_in_idp', 'user_id'])
    .where('pool_id', '=', poolId)
    .where((eb) => eb.or(pairs.map(([idp, uid]) => eb.and([eb('ext_idp_id', '=', idp), eb('user_id_in_idp', '=', uid)]))))
    .execute();
  return rows.map((r) => ({ key: `${r.ext_idp_id}:${r.user_id_in_idp}`, userId: r.user_id }));
}

export async function findIdsBySyncRelation(db: Conn, poolId: string, pairs: Array<[string, string]>): Promise<Array<{ key: string; userId: string }>> {
  if (pairs.length === 0) return [];
  const rows = await db
    .selectFrom('sync_relations')
    .select(['provider', 'user_id_in_idp', 'user_id'])
    .where('pool_id', '=', poolId)
    .where((eb) => eb.or(pairs.map(([p, uid]) => eb.and([eb('provider', '=', p), eb('user_id_in_idp', '=', uid)]))))
    .execute();
  return rows.map((r) => ({ key: `${r.provider}:${r.user_id_in_idp}`, userId: r.user_id }));
}

export async function updateUser(db: Conn, poolId: string, id: string, changes: Partial<UserRow>): Promise<void> {
  await db.updateTable('users').set(changes).where('pool_id', '=', poolId).where('id', '=', id).execute();
}

export async function deleteUsers(db: Conn, poolId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('users').where('pool_id', '=', poolId).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface ListFilter {
  status?: string[];
  keywords?: string;
  /** Columns the keyword search looks in. */
  keywordColumns: Array<keyof UserRow>;
  equals: Array<{ column: keyof UserRow; values: Array<string | number>; negate?: boolean }>;
  nulls: Array<{ column: keyof UserRow; isNull: boolean }>;
  ranges: Array<{ column: keyof UserRow; gt?: string | number; lt?: string | number }>;
  contains: Array<{ column: keyof UserRow; text: string; negate?: boolean }>;
  sort: Array<{ column: keyof UserRow; order: 'asc' | 'desc' }>;
  /** Filters on declared custom fields, compared inside the custom_data JSON. */
  custom: CustomDataFilter[];
  /**
   * Department filters, each a list of department ids: a user passes one when a member of any
   * of its departments. Membership is looked up in the query, so a department of any size
   * binds its department ids only, never one value per member.
   */
  departments: string[][];
  offset: number;
  limit: number;
}

/**
 * `key` matches /^[A-Za-z_][A-Za-z0-9_]*$/ (set-custom-fields refuses anything else), so it is
 * written into the SQL as a literal. `->` and `->>` read JSON alike on SQLite (3.38+) and
 * PostgreSQL (jsonb): `CAST(custom_data -> 'k' AS TEXT)` is the value's JSON text on both, and
 * `custom_data ->> 'k'` its text, cast to NUMERIC for number ranges.
 */
export type CustomDataFilter =
  | { key: string; op: 'in' | 'notIn'; json: string[] }
  | { key: string; op: 'gt' | 'lt'; value: string | number; numeric: boolean }
  | { key: string; op: 'contains' | 'notContains'; text: string }
  | { key: string; op: 'null' | 'notNull' };

/** Lists a pool's users; the same predicates count the total. Keywords match case-insensitively. */
export async function listUsers(db: Conn, poolId: string, filter: ListFilter): Promise<{ rows: UserRow[]; total: number }> {
  let query = db.selectFrom('users').where('pool_id', '=', poolId);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.keywords) {
    const pattern = likePattern(filter.keywords.toLowerCase());
    query = query.where((eb) => eb.or(filter.keywordColumns.map((column) => eb(sql`lower(${sql.ref(column)})`, 'like', pattern))));
  }
  for (const item of filter.equals) {
    query = query.where(sql.ref(item.column), item.negate ? 'not in' : 'in', item.values);
  }
  for (const item of filter.nulls) query = query.where(sql.ref(item.column), item.isNull ? 'is' : 'is not', null);
  for (const item of filter.ranges) {
    if (item.gt !== undefined) query = query.where(sql.ref(item.column), '>', item.gt);
    if (item.lt !== undefined) query = query.where(sql.ref(item.column), '<', item.lt);
  }
  for (const item of filter.contains) {
    query = query.where(sql`lower(${sql.ref(item.column)})`, item.negate ? 'not like' : 'like', likePattern(item.text.toLowerCase()));
  }
  for (const item of filter.custom) {
    const key = sql.lit(item.key);
    const asJson = sql`cast(custom_data -> ${key} as text)`;
    const asText = sql`(custom_data ->> ${key})`;
    if (item.op === 'in' || item.op === 'notIn') query = query.where(asJson, item.op === 'in' ? 'in' : 'not in', item.json);
    else if (item.op === 'gt' || item.op === 'lt') {
      const left = item.numeric ? sql`cast(${asText} as numeric)` : asText;
      query = query.where(left, item.op === 'gt' ? '>' : '<', item.value);
    } else if (item.op === 'contains' || item.op === 'notContains') {
      query = query.where(sql`lower(${asText})`, item.op === 'contains' ? 'like' : 'not like', likePattern(item.text.toLowerCase()));
    } else query = query.where(asText, item.op === 'null' ? 'is' : 'is not', null);
  }
  for (const departmentIds of filter.departments) {
    const members = db.selectFrom('department_members').select('user_id').where('pool_id', '=', poolId).where('department_id', 'in', departmentIds);
    query = query.where('id', 'in', members);
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  let rowsQuery = query.selectAll();
  for (const s of filter.sort) rowsQuery = rowsQuery.orderBy(sql.ref(s.column), s.order);
  rowsQuery = rowsQuery.orderBy('created_at', 'desc').orderBy('id', 'desc');
  const rows = await rowsQuery.offset(filter.offset).limit(filter.limit).execute();
  return { rows, total: Number(total) };
}

/** Users in one status, the latest to reach it first, from an optional moment on. */
export async function listByStatus(db: Conn, poolId: string, status: string, since: string | undefined, page: number, limit: number) {
  let query = db.selectFrom('users').where('pool_id', '=', poolId).where('status', '=', status);
  if (since) query = query.where('status_changed_at', '>=', since);
  const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await query.select(['id', 'status_changed_at', 'updated_at']).orderBy('status_changed_at', 'desc').orderBy('id', 'desc')
    .limit(limit).offset((page - 1) * limit).execute();
  return { rows, totalCount: Number(total.count) };
}

/** Resignation's status change, for the given users at once. */
export async function markResigned(db: Conn, poolId: string, ids: string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('users').set({ status: 'Resigned', work_status: 'Closed', status_changed_at: at, updated_at: at }).where('pool_id', '=', poolId).where('id', 'in', ids).execute();
}

export async function setAccountType(db: Conn, poolId: string, id: string, accountType: UserRow['account_type'], at: string): Promise<void> {
  await db.updateTable('users').set({ account_type: accountType, updated_at: at }).where('pool_id', '=', poolId).where('id', '=', id).execute();
}
