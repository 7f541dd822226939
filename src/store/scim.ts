import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db, Dialect, Tx } from './database.js';
import type { Database } from './schema.js';
import type { UserRow } from './users.js';
import type { GroupRow } from './groups.js';
import type { ScimSettingsTable, ScimTokensTable } from './tables/scim.js';
import { likePattern } from './like.js';

type Conn = Db | Tx;
export type ScimTokenRow = ScimTokensTable;
export type ScimSettingsRow = ScimSettingsTable;

// ---- tokens -------------------------------------------------------------------------------

export async function insertToken(db: Conn, row: ScimTokenRow): Promise<void> {
  await db.insertInto('scim_tokens').values(row).execute();
}

export async function findTokenByHash(db: Conn, hash: string): Promise<ScimTokenRow | undefined> {
  return db.selectFrom('scim_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export async function listTokens(db: Conn): Promise<Array<ScimTokenRow & { pool_name: string }>> {
  return db
    .selectFrom('scim_tokens')
    .innerJoin('user_pools', 'user_pools.id', 'scim_tokens.pool_id')
    .selectAll('scim_tokens')
    .select('user_pools.name as pool_name')
    .orderBy('scim_tokens.created_at')
    .execute();
}

/** Answers the revoked row, or undefined when no active token has that id. */
export async function revokeToken(db: Conn, id: string, at: string): Promise<ScimTokenRow | undefined> {
  const result = await db.updateTable('scim_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return undefined;
  return db.selectFrom('scim_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---- settings -----------------------------------------------------------------------------

export async function findSettings(db: Conn, poolId: string): Promise<ScimSettingsRow | undefined> {
  return db.selectFrom('scim_settings').selectAll().where('pool_id', '=', poolId).executeTakeFirst();
}

export async function saveSettings(db: Conn, row: ScimSettingsRow): Promise<void> {
  await db
    .insertInto('scim_settings')
    .values(row)
    .onConflict((oc) => oc.column('pool_id').doUpdateSet({ deactivate_action: row.deactivate_action, delete_action: row.delete_action, updated_at: row.updated_at }))
    .execute();
}

// ---- attributes without a column of their own ---------------------------------------------

export async function saveUserAttributes(db: Conn, poolId: string, userId: string, data: string): Promise<void> {
  await db
    .insertInto('scim_user_attributes')
    .values({ user_id: userId, pool_id: poolId, data })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ data }))
    .execute();
}

export async function saveUserAttributesMany(db: Conn, rows: Array<{ user_id: string; pool_id: string; data: string }>): Promise<void> {
  if (rows.length) await db.insertInto('scim_user_attributes').values(rows).execute();
}

export async function saveGroupAttributes(db: Conn, poolId: string, groupId: string, externalId: string | null, data: string): Promise<void> {
  await db
    .insertInto('scim_group_attributes')
    .values({ group_id: groupId, pool_id: poolId, external_id: externalId, data })
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ external_id: externalId, data }))
    .execute();
}

// ---- filters as SQL -----------------------------------------------------------------------

/**
 * A SCIM filter after the service mapped attribute names to columns and checked the values.
 * `fold` compares lower-cased (SCIM attributes that are not caseExact); `member` asks whether
 * the group has a member matching the inner comparison on the user id.
 */
export type ScimPredicate =
  | { kind: 'and' | 'or'; items: ScimPredicate[] }
  | { kind: 'not'; item: ScimPredicate }
  | { kind: 'compare'; column: string; op: CompareOp; value?: string; fold: boolean }
  | { kind: 'member'; op: CompareOp; value?: string }
  | { kind: 'const'; value: boolean };

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';

const ORDER = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;


type AnyEb = ExpressionBuilder<Database, any>;

function compare(eb: AnyEb, subject: Expression<unknown>, raw: Expression<unknown>, op: CompareOp, value: string | undefined): Expression<SqlBool> {
  if (op === 'pr') return eb.and([eb(raw, 'is not', null), eb(raw, '<>', '')]);
  const v = value ?? '';
  switch (op) {
    case 'eq':
      return eb(subject, '=', v);
    case 'ne':
      return eb.or([eb(raw, 'is', null), eb(subject, '<>', v)]);
    case 'co':
      return eb(subject, 'like', likePattern(v));
    case 'sw':
      return eb(subject, 'like', likePattern(v, 'prefix'));
    case 'ew':
      return eb(subject, 'like', likePattern(v, 'suffix'));
    default:
      return eb(subject, ORDER[op], v);
  }
}

function toExpression(eb: AnyEb, p: ScimPredicate, memberOf: string): Expression<SqlBool> {
  switch (p.kind) {
    case 'and':
      return eb.and(p.items.map((item) => toExpression(eb, item, memberOf)));
    case 'or':
      return eb.or(p.items.map((item) => toExpression(eb, item, memberOf)));
    case 'not':
      return eb.not(toExpression(eb, p.item, memberOf));
    case 'const':
      return sql<SqlBool>`${sql.lit(p.value ? 1 : 0)} = 1`;
    case 'compare': {
      const raw = sql.ref(p.column);
      // SQLite's LIKE ignores ASCII case and PostgreSQL's does not: lower() on both sides makes them agree.
      const subject = p.fold ? sql`lower(${raw})` : raw;
      return compare(eb, subject, raw, p.op, p.fold && p.value !== undefined ? p.value.toLowerCase() : p.value);
    }
    case 'member': {
      const inner = (mb: AnyEb) => compare(mb, sql.ref('gm.user_id'), sql.ref('gm.user_id'), p.op, p.value);
      return eb.exists(
        eb.selectFrom('group_members as gm').select(sql.lit(1).as('one')).where(sql.ref('gm.group_id'), '=', sql.ref(memberOf)).where((mb) => inner(mb as AnyEb)),
      );
    }
  }
}

/**
 * Pages are in creation order. SQLite would walk the (pool_id, created_at) index to avoid the sort
 * and test every user of the pool against the filter; a unary plus keeps the order but not that
 * index, so a selective filter (userName eq) uses its own index and sorts the few rows found.
 */
function creationOrder(dialect: Dialect, table: 'users' | 'groups', column: 'created_at' | 'id') {
  return dialect === 'sqlite' ? sql`+${sql.ref(`${table}.${column}`)}` : sql.ref(`${table}.${column}`);
}

export type ScimUserRow = UserRow & { scim_data: string | null; scim_groups?: unknown };

/**
 * The user's groups as a JSON array of {id, name}, as a column of the user's row: a SCIM read
 * is then one query, as get-user is. The JSON functions are the one dialect difference here.
 */
function groupsColumn(dialect: Dialect) {
  return dialect === 'postgres'
    ? sql<unknown>`(select coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) order by gm.created_at), '[]'::json) from group_members gm join groups g on g.id = gm.group_id where gm.user_id = users.id)`.as('scim_groups')
    : sql<unknown>`(select json_group_array(json_object('id', g.id, 'name', g.name)) from (select g.id, g.name from group_members gm join groups g on g.id = gm.group_id where gm.user_id = users.id order by gm.created_at) g)`.as('scim_groups');
}

/**
 * One page of a pool's users matching the filter, oldest first, and the total. When the page is
 * the first and not full, the total is its length and no count is run: a `userName eq` lookup
 * costs one indexed query.
 */
export async function searchUsers(db: Conn, dialect: Dialect, poolId: string, filter: ScimPredicate | undefined, offset: number, limit: number): Promise<{ rows: ScimUserRow[]; total: number }> {
  let query = db.selectFrom('users').leftJoin('scim_user_attributes as sa', 'sa.user_id', 'users.id').where('users.pool_id', '=', poolId);
  if (filter) query = query.where((eb) => toExpression(eb as AnyEb, filter, 'users.id'));
  const rows = limit === 0 ? [] : await query.selectAll('users').select(['sa.data as scim_data', groupsColumn(dialect)]).orderBy(creationOrder(dialect, 'users', 'created_at')).orderBy(creationOrder(dialect, 'users', 'id')).limit(limit).offset(offset).execute();
  if (offset === 0 && rows.length < limit) return { rows: rows as ScimUserRow[], total: rows.length };
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { rows: rows as ScimUserRow[], total: Number(total) };
}

export async function findUser(db: Conn, dialect: Dialect, poolId: string, id: string): Promise<ScimUserRow | undefined> {
  const row = await db
    .selectFrom('users')
    .leftJoin('scim_user_attributes as sa', 'sa.user_id', 'users.id')
    .selectAll('users')
    .select(['sa.data as scim_data', groupsColumn(dialect)])
    .where('users.pool_id', '=', poolId)
    .where('users.id', '=', id)
    .executeTakeFirst();
  return row as ScimUserRow | undefined;
}

export type ScimGroupRow = GroupRow & { external_id: string | null; scim_data: string | null };

export async function searchGroups(db: Conn, dialect: Dialect, poolId: string, filter: ScimPredicate | undefined, offset: number, limit: number): Promise<{ rows: ScimGroupRow[]; total: number }> {
  let query = db.selectFrom('groups').leftJoin('scim_group_attributes as ga', 'ga.group_id', 'groups.id').where('groups.pool_id', '=', poolId);
  if (filter) query = query.where((eb) => toExpression(eb as AnyEb, filter, 'groups.id'));
  const rows = limit === 0 ? [] : await query.selectAll('groups').select(['ga.external_id', 'ga.data as scim_data']).orderBy(creationOrder(dialect, 'groups', 'created_at')).orderBy(creationOrder(dialect, 'groups', 'id')).limit(limit).offset(offset).execute();
  if (offset === 0 && rows.length < limit) return { rows: rows as ScimGroupRow[], total: rows.length };
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { rows: rows as ScimGroupRow[], total: Number(total) };
}

export async function findGroup(db: Conn, poolId: string, id: string): Promise<ScimGroupRow | undefined> {
  const row = await db
    .selectFrom('groups')
    .leftJoin('scim_group_attributes as ga', 'ga.group_id', 'groups.id')
    .selectAll('groups')
    .select(['ga.external_id', 'ga.data as scim_data'])
    .where('groups.pool_id', '=', poolId)
    .where('groups.id', '=', id)
    .executeTakeFirst();
  return row as ScimGroupRow | undefined;
}

/** The members of each group (id and display names), one query for a page of groups. */
export async function membersOfGroups(db: Conn, poolId: string, groupIds: string[]): Promise<Array<{ group_id: string; id: string; name: string | null; username: string | null }>> {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select(['group_members.group_id', 'users.id', 'users.name', 'users.username'])
    .where('group_members.pool_id', '=', poolId)
    .where('group_members.group_id', 'in', groupIds)
    .orderBy('group_members.created_at')
    .execute();
}

/** Which of the ids are users of the pool. */
export async function existingUserIds(db: Conn, poolId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('pool_id', '=', poolId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
