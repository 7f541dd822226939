import { ApiCode } from '../errors.js';
import { fail, table } from './index.js';

const quoted = (ids: string[]) => ids.map((id) => `"${id}"`).join(', ');

/** Errors of the roles family. */
export const roleErrors = table({
  notFound: (code: string, namespace: string, field = 'code') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no role "${code}" in namespace "${namespace}"`, '角色不存在'),
  someNotFound: (codes: string[], namespace: string, field = 'codeList') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no role ${quoted(codes)} in namespace "${namespace}"`, '角色不存在'),
  departmentsNotFound: (ids: string[], field = 'targets') => fail(404, ApiCode.NOT_FOUND, `${field}: no department ${quoted(ids)} in this user pool`, '部门不存在'),
});
