import { ApiCode } from '../errors.js';
import { fail, invalidParam, table } from './index.js';

/** Errors of custom fields and custom data. */
export const customFieldErrors = table({
  notDeclared: (field: string, targetType: string, key: string) =>
    fail(404, ApiCode.NOT_FOUND, `${field}: no custom field "${key}" for ${targetType} in this user pool`, '自定义字段不存在'),
  builtIn: (field: string, key: string) => invalidParam(field, `"${key}" is a built-in user field; use set-user-base-fields for it`),
  unknownBaseField: (field: string, key: string) => fail(404, ApiCode.NOT_FOUND, `${field}: "${key}" is not a built-in user field`, '字段不存在'),
  twice: (field: string, key: string) => invalidParam(field, `"${key}" appears twice in this request`),
  enumWithoutOptions: (field: string) => invalidParam(field, 'an ENUM field needs at least one option'),
  wrongType: (field: string, key: string, dataType: string, value: unknown) =>
    invalidParam(field, `custom field "${key}" holds ${dataType} and ${JSON.stringify(value)} is not one`, key),
  notAnOption: (field: string, key: string, value: unknown, allowed: string[]) =>
    invalidParam(field, `custom field "${key}" takes one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`, key),
  tooLong: (field: string) => fail(400, ApiCode.VALIDATION, `${field}: must be at most 1024 characters`, 'customData must be less than 1024 characters'),
  targetNotFound: (targetType: string, id: string) =>
    fail(404, ApiCode.NOT_FOUND, `targetIdentifier: no ${targetType.toLowerCase()} "${id}" in this user pool`, '目标不存在'),
});
