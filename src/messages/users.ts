import { ApiCode } from '../errors.js';
import { fail, invalidParam, table } from './index.js';

/** Errors of the users family: finding people by any of their identifiers. */
export const userErrors = table({
  notFound: (field: string, id: string, type: string) =>
    fail(404, ApiCode.USER_NOT_FOUND, `${field}: no user "${id}" (userIdType ${type}) in this user pool`, '用户不存在'),
  someNotFound: (field: string, ids: string[], type: string) =>
    fail(404, ApiCode.USER_NOT_FOUND, `${field}: no user in this user pool for ${ids.map((m) => `"${m}"`).join(', ')} (userIdType ${type})`, '用户不存在'),
  unknownIdType: (field: string, value: string, known: readonly string[]) => invalidParam(field, `unknown type "${value}"; expected one of ${known.join(', ')}`),
  notCompound: (field: string, id: string, type: string, form: string) => invalidParam(field, `"${id}" is not in the form ${form} that userIdType ${type} needs`),
  badShape: (field: string, id: string, what: string, type: string) => invalidParam(field, `"${id}" is not ${what} (userIdType ${type})`),
  resigned: (field: string, ids: string[]) =>
    fail(
      400,
      ApiCode.USER_RESIGNED,
      `${field}: ${ids.map((id) => `"${id}"`).join(', ')} ${ids.length === 1 ? 'has' : 'have'} resigned; a resigned user cannot be given new relations`,
      '用户已离职',
    ),
  needsIdentifier: (field: string) =>
    fail(
      400,
      ApiCode.VALIDATION,
      `${field}: a user needs at least one of username, email, phone, externalId or identities`,
      'Must contain one of the following fields: username, phone, email',
    ),
  countryCodeWithoutPhone: (field: string) => fail(400, ApiCode.VALIDATION, `${field}: phoneCountryCode was given without a phone`, 'phone cannot be empty'),
  noIdentifierGiven: () =>
    fail(400, ApiCode.VALIDATION, 'username: give at least one of username, email, phone or externalId', '参数 username, email, phone, externalId 格式错误'),
  unknownListField: (where: string, field: string, known: string[]) => invalidParam(where, `cannot filter or sort on "${field}"; known fields are ${known.join(', ')}`),
  notTextField: (where: string, field: string, use: string) => invalidParam(where, `${field} is not text; ${use} takes text fields`),
  badFilterValue: (where: string, field: string, expected: string, got: string) => invalidParam(`${where}.value`, `${field} takes ${expected} (got ${got})`, field),
  tooManyValues: (where: string, max: number, got: number) => invalidParam(`${where}.value`, `IN takes at most ${max} values (got ${got})`),
  duplicateInBatch: (field: string, id: string) => invalidParam(field, `user "${id}" appears more than once in the list; give each user once`, 'list'),
  notOneOf: (where: string, field: string, allowed: readonly string[], got: unknown) =>
    invalidParam(`${where}.value`, `${field} must be one of ${allowed.join(', ')} (got "${String(got)}")`, field),
});
