import { ApiCode } from '../errors.js';
import { fail, table } from './index.js';

const quoted = (ids: string[]) => ids.map((id) => `"${id}"`).join(', ');

/** Errors of the roles family. */
export const roleErrors = table({
  notFound: (code: string, namespace: string, field = 'code') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no role "${code}" in namespace "${namespace}"`, '角色不存在'),
  someNotFound: (codes: string[], namespace: string, field = 'codeList') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no role ${quoted(codes)} in namespace "${namespace}"`, '角色不存在'),
  refsNotFound: (refs: Array<{ code: string; namespace: string }>, field = 'roleList') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no role ${refs.map((r) => `"${r.code}" in namespace "${r.namespace}"`).join(', ')}`, '角色不存在'),
  badTargetType: (value: string, field: string) => fail(400, ApiCode.VALIDATION, `${field}: "${value}" is not a target type; use USER or ORG`, `参数 targetType 格式错误`),
  departmentsNotFound: (ids: string[], field = 'targets') => fail(404, ApiCode.NOT_FOUND, `${field}: no department ${quoted(ids)} in this user pool`, '部门不存在'),
});
