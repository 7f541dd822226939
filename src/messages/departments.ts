import { ApiCode } from '../errors.js';
import { fail, table } from './index.js';

/** Errors of the organizations and departments family that the newer department endpoints raise. */
export const departmentErrors = table({
  notFound: (id: string, field = 'departmentId') => fail(404, ApiCode.NOT_FOUND, `${field}: no department "${id}" in this user pool`, '部门不存在'),
  organizationNotFound: (id: string, field = 'rootNodeId') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: "${id}" is not the root department of an organization of this user pool`, '组织机构不存在'),
  disabled: (id: string, field = 'departmentId') =>
    fail(400, ApiCode.VALIDATION, `${field}: department "${id}" is disabled; enable it before adding members`, '部门已被禁用'),
  badStatus: (value: string, field = 'status') => fail(400, ApiCode.VALIDATION, `${field}: "${value}" is not a status; use "true"/"false", "1"/"0" or "enabled"/"disabled"`, `参数 ${field} 格式错误`),
  filterField: (field: string, at: string) => fail(400, ApiCode.VALIDATION, `${at}.field: cannot filter departments on "${field}"`, `参数 field 格式错误`),
  filterValue: (at: string, reason: string) => fail(400, ApiCode.VALIDATION, `${at}.value: ${reason}`, `参数 value 格式错误`),
  treeNameTaken: (name: string, field: string) =>
    fail(409, ApiCode.CONFLICT, `${field}: more than one department named "${name}" at this place; the tree cannot tell which one is meant`, `部门名称 ${name} 重复`),
  syncRelationTaken: (provider: string, id: string) =>
    fail(409, ApiCode.CONFLICT, `departmentIdInIdp: ${provider}:${id} is already related to a department of this user pool`, '该部门同步关系已存在'),
});
