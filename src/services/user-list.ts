import * as store from '../store/users.js';
import type { UserRow } from '../store/users.js';
import type { AccountType } from '../store/tables/foundation.js';
import { badRequest } from '../errors.js';
import { userErrors } from '../messages/users.js';
import { USER_STATUSES } from './user-fields.js';
import type { Scope } from './context.js';
import { departmentsOfFilter } from './department-members.js';
import { toUserViews, type UserView, type UserViewOptions } from './user-view.js';
import { customFilterValue, declaredFields } from './custom-fields.js';
import type { CustomFieldRow } from '../store/custom-fields.js';

type Kind = 'text' | 'number' | 'time';

/**
 * Wire field → column and what it holds, for filters, sorting and fuzzy search. A Map, not an
 * object: a field named `constructor` or `__proto__` must be unknown, not something every object
 * inherits.
 */
const COLUMNS = new Map<string, { column: keyof UserRow; kind: Kind }>([
  ...(
    [
      ['id', 'id'], ['userId', 'id'], ['status', 'status'], ['workStatus', 'work_status'], ['email', 'email'], ['phone', 'phone'],
      ['username', 'username'], ['externalId', 'external_id'], ['name', 'name'], ['nickname', 'nickname'], ['company', 'company'],
      ['givenName', 'given_name'], ['familyName', 'family_name'], ['middleName', 'middle_name'], ['profile', 'profile'],
      ['preferredUsername', 'preferred_username'], ['website', 'website'], ['address', 'address'], ['formatted', 'formatted'],
      ['streetAddress', 'street_address'], ['postalCode', 'postal_code'], ['identityNumber', 'identity_number'], ['gender', 'gender'],
      ['userSourceType', 'user_source_type'], ['phoneCountryCode', 'phone_country_code'], ['lastIp', 'last_ip'],
    ] as const
  ).map(([field, column]) => [field, { column, kind: 'text' as Kind }] as const),
  ...(
    [['createdAt', 'created_at'], ['updatedAt', 'updated_at'], ['statusChangedAt', 'status_changed_at'], ['passwordLastSetAt', 'password_last_set_at'], ['lastLogin', 'last_login']] as const
  ).map(([field, column]) => [field, { column, kind: 'time' as Kind }] as const),
  ['loginsCount', { column: 'logins_count', kind: 'number' }],
]);

const DEFAULT_FUZZY = ['phone', 'email', 'name', 'username', 'nickname'];

/** Most values one IN filter takes: far below what either database binds in one statement (SQLite: 32 766). */
export const MAX_IN_VALUES = 2000;

/** PostgreSQL's integer, the type of the numeric column. */
const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

export interface ListUsersInput {
  keywords?: string;
  advancedFilter?: Array<{ field: string; operator: string; value?: unknown }>;
  options?: UserViewOptions & {
    pagination?: { page?: number; limit?: number };
    sort?: Array<{ field: string; order: 'asc' | 'desc' }>;
    fuzzySearchOn?: string[];
  };
}

function lookup(field: string, where: string): { column: keyof UserRow; kind: Kind } {
  const found = COLUMNS.get(field);
  if (!found) throw userErrors.unknownListField(where, field, [...COLUMNS.keys()]);
  return found;
}

function textColumn(field: string, where: string, use: string): keyof UserRow {
  const { column, kind } = lookup(field, where);
  if (kind !== 'text') throw userErrors.notTextField(where, field, use);
  return column;
}

const shown = (value: unknown): string => (typeof value === 'string' ? `"${value.slice(0, 64)}"` : String(JSON.stringify(value)).slice(0, 64));

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A filter value in the form its column holds, so that PostgreSQL never meets text where it
 * compares an integer or a timestamp (it fails the whole statement): whole numbers for numbers,
 * ISO-8601 instants for times (given as ISO-8601 text or milliseconds since 1970).
 */
function typedValue(value: unknown, field: string, kind: Kind, where: string): string | number {
  if (kind === 'number') {
    const n = typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < INT_MIN || n > INT_MAX) {
      throw userErrors.badFilterValue(where, field, `a whole number from ${INT_MIN} to ${INT_MAX}`, shown(value));
    }
    return n;
  }
  if (kind === 'time') {
    const ms = typeof value === 'number' ? value : typeof value === 'string' && ISO_DATE.test(value) ? Date.parse(value) : NaN;
    const iso = Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '';
    // Years 1 to 9999 only: both databases read those, and ISO text sorts as time only at four digits.
    if (!/^\d{4}-/.test(iso) || iso.startsWith('0000')) {
      throw userErrors.badFilterValue(where, field, 'a date (ISO 8601 such as 2026-01-31T12:00:00Z, or milliseconds since 1970)', shown(value));
    }
    return iso;
  }
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw badRequest(`${where}.value: must be a string or number`);
}

/** Fields with a closed set of values: filtering on any other value is a client error, as in the cloud. */
const ENUM_VALUES: Record<string, readonly string[]> = { status: USER_STATUSES, gender: ['M', 'F', 'U'] };

function checkEnumValue(item: { field: string; value?: unknown }, where: string): void {
  const allowed = Object.hasOwn(ENUM_VALUES, item.field) ? ENUM_VALUES[item.field] : undefined;
  if (!allowed || item.value === undefined || item.value === null) return;
  const bad = (Array.isArray(item.value) ? item.value : [item.value]).find((v) => !allowed.includes(String(v)));
  if (bad !== undefined) throw userErrors.notOneOf(where, item.field, allowed, bad);
}

type CustomDefs = Map<string, CustomFieldRow>;

/** A filter on a declared custom field: compared inside custom_data, values in the field's type. */
function customFilter(def: CustomFieldRow, item: { field: string; operator: string; value?: unknown }, where: string): store.CustomDataFilter {
  const typed = (v: unknown) => customFilterValue(def, v, `${where}.value`);
  const key = def.key;
  switch (item.operator) {
    case 'EQUAL':
    case 'NOT_EQUAL':
      return { key, op: item.operator === 'EQUAL' ? 'in' : 'notIn', json: [JSON.stringify(typed(item.value))] };
    case 'IN':
      if (!Array.isArray(item.value) || item.value.length === 0) throw badRequest(`${where}.value: IN needs a non-empty array`);
      if (item.value.length > MAX_IN_VALUES) throw userErrors.tooManyValues(where, MAX_IN_VALUES, item.value.length);
      return { key, op: 'in', json: item.value.map((v) => JSON.stringify(typed(v))) };
    case 'GREATER':
    case 'LESSER':
      if (def.data_type !== 'NUMBER' && def.data_type !== 'DATETIME') throw userErrors.notTextField(`${where}.operator`, item.field, item.operator);
      return { key, op: item.operator === 'GREATER' ? 'gt' : 'lt', value: typed(item.value) as string | number, numeric: def.data_type === 'NUMBER' };
    case 'CONTAINS':
    case 'NOT_CONTAINS':
      if (def.data_type !== 'STRING') throw userErrors.notTextField(`${where}.operator`, item.field, item.operator);
      return { key, op: item.operator === 'CONTAINS' ? 'contains' : 'notContains', text: String(typed(item.value)) };
    case 'IS_NULL':
    case 'NOT_NULL':
      return { key, op: item.operator === 'IS_NULL' ? 'null' : 'notNull' };
    default:
      throw badRequest(`${where}.operator: ${item.operator} does not apply to custom field "${key}"`);
  }
}

function buildFilter(input: ListUsersInput, customDefs: CustomDefs = new Map()): store.ListFilter {
  const page = input.options?.pagination?.page ?? 1;
  const limit = input.options?.pagination?.limit ?? 10;
  const fuzzy = input.options?.fuzzySearchOn?.length ? input.options.fuzzySearchOn : DEFAULT_FUZZY;
  const filter: store.ListFilter = {
    keywords: input.keywords || undefined,
    keywordColumns: fuzzy.map((f, i) => textColumn(f, `options.fuzzySearchOn[${i}]`, 'fuzzy search')),
    equals: [], nulls: [], ranges: [], contains: [], custom: [], departments: [],
    sort: (input.options?.sort ?? []).map((s, i) => ({ column: lookup(s.field, `options.sort[${i}].field`).column, order: s.order })),
    offset: (page - 1) * limit,
    limit,
  };
  (input.advancedFilter ?? []).forEach((item, i) => {
    if (item.field === 'department') return; // resolved in listUsers, it needs the database
    const where = `advancedFilter[${i}]`;
    const def = COLUMNS.has(item.field) ? undefined : customDefs.get(item.field);
    if (def) {
      filter.custom.push(customFilter(def, item, where));
      return;
    }
    const { column: col, kind } = lookup(item.field, `${where}.field`);
    const value = (v: unknown) => typedValue(v, item.field, kind, where);
    checkEnumValue(item, where);
    switch (item.operator) {
      case 'EQUAL':
      case 'NOT_EQUAL':
        filter.equals.push({ column: col, values: [value(item.value)], negate: item.operator === 'NOT_EQUAL' });
        break;
      case 'IN':
        if (!Array.isArray(item.value) || item.value.length === 0) throw badRequest(`${where}.value: IN needs a non-empty array`);
        if (item.value.length > MAX_IN_VALUES) throw userErrors.tooManyValues(where, MAX_IN_VALUES, item.value.length);
        filter.equals.push({ column: col, values: item.value.map(value) });
        break;
      case 'CONTAINS':
      case 'NOT_CONTAINS':
        textColumn(item.field, `${where}.operator`, `${item.operator}`);
        filter.contains.push({ column: col, text: String(value(item.value)), negate: item.operator === 'NOT_CONTAINS' });
        break;
      case 'IS_NULL':
      case 'NOT_NULL':
        filter.nulls.push({ column: col, isNull: item.operator === 'IS_NULL' });
        break;
      case 'GREATER':
        filter.ranges.push({ column: col, gt: value(item.value) });
        break;
      case 'LESSER':
        filter.ranges.push({ column: col, lt: value(item.value) });
        break;
      case 'BETWEEN': {
        if (!Array.isArray(item.value) || item.value.length !== 2) throw badRequest(`${where}.value: BETWEEN needs [from, to]`);
        filter.ranges.push({ column: col, gt: value(item.value[0]), lt: value(item.value[1]) });
        break;
      }
      default:
        throw badRequest(`${where}.operator: unknown operator "${item.operator}"`);
    }
  });
  return filter;
}

/** list-users lists personal accounts; list-public-accounts passes 'public_account'. */
export async function listUsers(scope: Scope, input: ListUsersInput, accountType: AccountType = 'user'): Promise<{ list: UserView[]; totalCount: number }> {
  // Fields that are not columns may be declared custom fields of users (set-custom-fields).
  const customKeys = (input.advancedFilter ?? []).map((item) => item.field).filter((f) => f !== 'department' && !COLUMNS.has(f));
  const customDefs = customKeys.length ? await declaredFields(scope.db, scope.poolId, 'USER', customKeys) : new Map();
  const filter = buildFilter(input, customDefs);
  filter.equals.push({ column: 'account_type', values: [accountType] });
  for (const [i, item] of (input.advancedFilter ?? []).entries()) {
    if (item.field !== 'department') continue;
    filter.departments.push(await departmentsOfFilter(scope, item, `advancedFilter[${i}]`));
  }
  const { rows, total } = await store.listUsers(scope.db, scope.poolId, filter);
  return { list: await toUserViews(scope.db, scope.poolId, rows, input.options ?? {}), totalCount: total };
}
