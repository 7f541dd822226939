import { ApiCode } from '../errors.js';
import { fail, table } from './index.js';

/** Errors of the groups family. */
export const groupErrors = table({
  notFound: (code: string, field = 'code') => fail(404, ApiCode.NOT_FOUND, `${field}: no group "${code}" in this user pool`, '分组不存在'),
});
