import { ApiCode } from '../errors.js';
import { fail, table } from './index.js';

/** Errors of the permission namespaces family; the Chinese is the cloud's, word for word. */
export const namespaceErrors = table({
  notFound: (code: string, field = 'namespace') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no permission namespace "${code}" in this user pool`, '权限组不存在'),
  codeOrNameNeeded: () => fail(400, ApiCode.VALIDATION, 'code: give a code, a name or both to check', '参数 code 格式错误'),
  codeTaken: (code: string) => fail(409, ApiCode.CONFLICT, `code: permission namespace "${code}" already exists`, '权限分组唯一标志符已存在'),
  nameTaken: (name: string) => fail(409, ApiCode.CONFLICT, `name: a permission namespace is already named "${name}"`, '权限分组名称已存在'),
  // The cloud answers this (sic: "name") for an empty code.
  emptyCode: (field: string) => fail(400, ApiCode.VALIDATION, `${field}: namespace code must not be empty`, 'namespace name must not be empty'),
});
