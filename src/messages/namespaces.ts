import { ApiCode } from '../errors.js';
import { fail, table } from './index.js';

/** Errors of the permission namespaces family; the Chinese is the cloud's, word for word. */
export const namespaceErrors = table({
  notFound: (code: string, field = 'namespace') =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no permission namespace "${code}" in this user pool`, '权限组不存在'),
  // The cloud answers this (sic: "name") for an empty code.
  emptyCode: (field: string) => fail(400, ApiCode.VALIDATION, `${field}: namespace code must not be empty`, 'namespace name must not be empty'),
});
