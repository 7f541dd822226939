import * as store from '../store/users.js';
import type { UserRow } from '../store/users.js';
import type { AccountType } from '../store/tables/foundation.js';
import { badRequest } from '../errors.js';
import { userErrors } from '../messages/users.js';
import { USER_STATUSES } from './user-fields.js';
import type { Scope } from './context.js';
import { usersOfDepartmentFilter } from './department-members.js';
import { toUserViews, type UserView, type UserViewOptions } from './user-view.js';

/** Wire field → column, for filters, sorting and fuzzy search. */
const COLUMNS: Record<string, keyof UserRow> = {
  id: 'id', userId: 'id', status: 'status', workStatus: 'work_status', email: 'email', phone: 'phone', username: 'username',
  externalId: 'external_id', name: 'name', nickname: 'nickname', company: 'company', givenName: 'given_name',
  familyName: 'family_name', middleName: 'middle_name', profile: 'profile', preferredUsername: 'preferred_username',
  website: 'website', address: 'address', formatted: 'formatted', streetAddress: 'street_address', postalCode: 'postal_code',
  identityNumber: 'identity_number', gender: 'gender', createdAt: 'created_at', updatedAt: 'updated_at',
  statusChangedAt: 'status_changed_at', passwordLastSetAt: 'password_last_set_at', loginsCount: 'logins_count',
  lastLogin: 'last_login', userSourceType: 'user_source_type', phoneCountryCode: 'phone_country_code', lastIp: 'last_ip',
};

const DEFAULT_FUZZY = ['phone', 'email', 'name', 'username', 'nickname'];

export interface ListUsersInput {
  keywords?: string;
  advancedFilter?: Array<{ field: string; operator: string; value?: unknown }>;
  options?: UserViewOptions & {
    pagination?: { page?: number; limit?: number };
    sort?: Array<{ field: string; order: 'asc' | 'desc' }>;
    fuzzySearchOn?: string[];
  };
}

function column(field: string, where: string): keyof UserRow {
  const found = COLUMNS[field];
  if (!found) throw badRequest(`${where}: cannot filter or sort on "${field}"; known fields are ${Object.keys(COLUMNS).join(', ')}`);
  return found;
}

function scalar(value: unknown, where: string): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw badRequest(`${where}.value: must be a string or number`);
}

/** Fields with a closed set of values: filtering on any other value is a client error, as in the cloud. */
const ENUM_VALUES: Record<string, readonly string[]> = { status: USER_STATUSES, gender: ['M', 'F', 'U'] };

function checkEnumValue(item: { field: string; value?: unknown }, where: string): void {
  const allowed = ENUM_VALUES[item.field];
  if (!allowed || item.value === undefined || item.value === null) return;
  const bad = (Array.isArray(item.value) ? item.value : [item.value]).find((v) => !allowed.includes(String(v)));
  if (bad !== undefined) throw userErrors.notOneOf(where, item.field, allowed, bad);
}

function buildFilter(input: ListUsersInput): store.ListFilter {
  const page = input.options?.pagination?.page ?? 1;
  const limit = input.options?.pagination?.limit ?? 10;
  const filter: store.ListFilter = {
    keywords: input.keywords || undefined,
    keywordColumns: (input.options?.fuzzySearchOn?.length ? input.options.fuzzySearchOn : DEFAULT_FUZZY).map((f, i) => column(f, `options.fuzzySearchOn[${i}]`)),
    equals: [], nulls: [], ranges: [], contains: [],
    sort: (input.options?.sort ?? []).map((s, i) => ({ column: column(s.field, `options.sort[${i}].field`), order: s.order })),
    offset: (page - 1) * limit,
    limit,
  };
  (input.advancedFilter ?? []).forEach((item, i) => {
    if (item.field === 'department') return; // resolved in listUsers, it needs the database
    const where = `advancedFilter[${i}]`;
    const col = column(item.field, `${where}.field`);
    checkEnumValue(item, where);
    switch (item.operator) {
      case 'EQUAL':
      case 'NOT_EQUAL':
        filter.equals.push({ column: col, values: [scalar(item.value, where)], negate: item.operator === 'NOT_EQUAL' });
        break;
      case 'IN':
        if (!Array.isArray(item.value) || item.value.length === 0) throw badRequest(`${where}.value: IN needs a non-empty array`);
        filter.equals.push({ column: col, values: item.value.map((v) => scalar(v, where)) });
        break;
      case 'CONTAINS':
      case 'NOT_CONTAINS':
        filter.contains.push({ column: col, text: String(scalar(item.value, where)), negate: item.operator === 'NOT_CONTAINS' });
        break;
      case 'IS_NULL':
      case 'NOT_NULL':
        filter.nulls.push({ column: col, isNull: item.operator === 'IS_NULL' });
        break;
      case 'GREATER':
        filter.ranges.push({ column: col, gt: scalar(item.value, where) });
        break;
      case 'LESSER':
        filter.ranges.push({ column: col, lt: scalar(item.value, where) });
        break;
      case 'BETWEEN': {
        if (!Array.isArray(item.value) || item.value.length !== 2) throw badRequest(`${where}.value: BETWEEN needs [from, to]`);
        filter.ranges.push({ column: col, gt: scalar(item.value[0], where), lt: scalar(item.value[1], where) });
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
  const filter = buildFilter(input);
  filter.equals.push({ column: 'account_type', values: [accountType] });
  for (const [i, item] of (input.advancedFilter ?? []).entries()) {
    if (item.field !== 'department') continue;
    const ids = await usersOfDepartmentFilter(scope, item, `advancedFilter[${i}]`);
    if (ids.length === 0) return { list: [], totalCount: 0 };
    filter.equals.push({ column: 'id', values: ids });
  }
  const { rows, total } = await store.listUsers(scope.db, scope.poolId, filter);
  return { list: await toUserViews(scope.db, scope.poolId, rows, input.options ?? {}), totalCount: total };
}
