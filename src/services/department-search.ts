import * as deptStore from '../store/departments.js';
import type { DepartmentColumn, DepartmentCondition } from '../store/departments.js';
import { departmentErrors } from '../messages/departments.js';
import type { Scope } from './context.js';
import { checkPaging, findOrganization, toDepartmentViews } from './org-tree.js';

/** The fields search-departments-list filters on, with the column and the type of their values. */
const FIELDS: Record<string, { column: DepartmentColumn; type: 'string' | 'boolean' | 'time' }> = {
  departmentId: { column: 'id', type: 'string' },
  parentDepartmentId: { column: 'parent_id', type: 'string' },
  name: { column: 'name', type: 'string' },
  code: { column: 'code', type: 'string' },
  openDepartmentId: { column: 'open_department_id', type: 'string' },
  description: { column: 'description', type: 'string' },
  status: { column: 'status', type: 'boolean' },
  isVirtualNode: { column: 'is_virtual_node', type: 'boolean' },
  createdAt: { column: 'created_at', type: 'time' },
  updatedAt: { column: 'updated_at', type: 'time' },
};

export interface FilterItem {
  field: string;
  operator: 'BETWEEN' | 'EQUAL' | 'IN' | 'LESSER' | 'GREATER' | 'CONTAINS';
  value?: unknown;
}

/** One value typed for its field: booleans to 0/1, times to ISO strings (milliseconds or dates accepted). */
function typed(value: unknown, type: 'string' | 'boolean' | 'time', at: string): string | number {
  if (type === 'boolean') {
    if (value === true || value === 'true' || value === 1) return 1;
    if (value === false || value === 'false' || value === 0) return 0;
    throw departmentErrors.filterValue(at, 'must be a boolean');
  }
  if (type === 'time') {
    const date = typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw departmentErrors.filterValue(at, 'must be a time (milliseconds or an ISO-8601 date)');
    return date.toISOString();
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw departmentErrors.filterValue(at, 'must be a string');
  return String(value);
}

function condition(item: FilterItem, i: number): DepartmentCondition {
  const at = `advancedFilter[${i}]`;
  const field = FIELDS[item.field];
  if (!field) throw departmentErrors.filterField(item.field, at);
  const { column, type } = field;
  switch (item.operator) {
    case 'EQUAL':
      return { column, op: 'eq', value: typed(item.value, type, at) };
    case 'IN': {
      if (!Array.isArray(item.value) || item.value.length === 0 || item.value.length > 2000) throw departmentErrors.filterValue(at, 'must be a list of 1 to 2000 values');
      return { column, op: 'in', values: item.value.map((v) => typed(v, type, at)) };
    }
    case 'CONTAINS':
      if (type !== 'string') throw departmentErrors.filterValue(at, `CONTAINS applies to text fields, not "${item.field}"`);
      return { column, op: 'contains', value: String(typed(item.value, type, at)) };
    case 'GREATER':
    case 'LESSER':
      return { column, op: item.operator === 'GREATER' ? 'gt' : 'lt', value: typed(item.value, type, at) };
    case 'BETWEEN': {
      if (!Array.isArray(item.value) || item.value.length !== 2) throw departmentErrors.filterValue(at, 'BETWEEN takes [from, to]');
      return { column, op: 'between', from: typed(item.value[0], type, at), to: typed(item.value[1], type, at) };
    }
  }
}

const SORT_COLUMNS = { createdAt: 'created_at', updatedAt: 'updated_at', name: 'name' } as const;

export interface SearchDepartmentsListInput {
  organizationCode: string;
  withCustomData?: boolean;
  page?: number;
  limit?: number;
  advancedFilter?: FilterItem[];
  sortBy?: 'updatedAt' | 'createdAt';
  orderBy?: 'ASC' | 'DESC';
  sort?: Array<{ field: 'updatedAt' | 'createdAt' | 'name'; order: 'asc' | 'desc' }>;
}

/**
 * A page of an organization's departments (the root, which is the organization, left out) that
 * match every filter. Disabled departments are left out unless a filter names `status`.
 */
export async function searchDepartmentsList(scope: Scope, input: SearchDepartmentsListInput) {
  const { page, limit } = checkPaging(input.page, input.limit);
  const conditions = (input.advancedFilter ?? []).map(condition);
  if (!(input.advancedFilter ?? []).some((f) => f.field === 'status')) conditions.push({ column: 'status', op: 'eq', value: 1 });
  const sort = input.sort?.length
    ? input.sort.map((s) => ({ column: SORT_COLUMNS[s.field], order: s.order }))
    : [{ column: SORT_COLUMNS[input.sortBy ?? 'createdAt'], order: (input.orderBy ?? 'ASC').toLowerCase() as 'asc' | 'desc' }];
  const org = await findOrganization(scope.db, scope, input.organizationCode);
  const { rows } = await deptStore.searchPage(scope.db, scope.poolId, org.id, { conditions, sort, offset: (page - 1) * limit, limit });
  // The SDK types the answer as a bare list (DepartmentListRespDto), so the page goes out as one.
  return toDepartmentViews(scope.db, scope, rows, input);
}
