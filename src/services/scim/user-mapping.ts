import type { ScimUserRow } from '../../store/scim.js';
import { parseJson } from '../../store/values.js';
import type { ProfileField } from '../user-fields.js';
import { invalidValue } from './errors.js';
import { ENTERPRISE_SCHEMA, USER_SCHEMA, asBoolean, versionOf, type Resource } from './resources.js';

/**
 * SCIM User ↔ Userpool user. Columns: userName ↔ username, the primary email ↔ email, the
 * primary phone number ↔ phone, externalId, name.givenName / familyName / middleName /
 * formatted, displayName ↔ name, nickName, profileUrl ↔ profile, locale, timezone ↔ zoneinfo,
 * active ↔ status (Activated or not). Everything else the client sends (other emails and
 * numbers, title, addresses, the enterprise extension…) is kept as sent beside the user and
 * given back, so a client reads what it wrote.
 */

type Multi = { value?: unknown; type?: unknown; primary?: unknown; [key: string]: unknown };

/** Attributes that live in columns or are computed: never stored among the extra attributes. */
const MAPPED = new Set(['schemas', 'id', 'meta', 'groups', 'password', 'username', 'externalid', 'displayname', 'nickname', 'profileurl', 'locale', 'timezone', 'active']);

const NAME_COLUMNS: Array<[string, ProfileField]> = [['givenName', 'givenName'], ['familyName', 'familyName'], ['middleName', 'middleName'], ['formatted', 'formatted']];

export interface UserGroupRef {
  id: string;
  name: string;
}

function primaryOf(items: Multi[] | undefined, preferType?: string): Multi | undefined {
  if (!items?.length) return undefined;
  return items.find((i) => asBoolean(i.primary) === true) ?? (preferType ? items.find((i) => String(i.type ?? '').toLowerCase() === preferType) : undefined) ?? items[0];
}

/** The stored list with its primary entry showing the current column (which the GenAuth API may have changed). */
function multiValued(stored: Multi[] | undefined, column: string | null, defaultType: string, preferType?: string): Multi[] | undefined {
  if (!stored?.length) return column ? [{ value: column, type: defaultType, primary: true }] : undefined;
  const primary = primaryOf(stored, preferType);
  const list = stored.map((item) => (item === primary ? (column ? { ...item, value: column } : undefined) : item)).filter((i): i is Multi => i !== undefined);
  if (column && !primary) list.unshift({ value: column, type: defaultType, primary: true });
  return list.length ? list : undefined;
}

export function toScimUser(row: ScimUserRow, groups: UserGroupRef[], baseUrl: string): Resource {
  const extra = parseJson<Resource>(row.scim_data, {});
  const name: Resource = { ...((extra.name as Resource) ?? {}) };
  for (const [attr, field] of NAME_COLUMNS) {
    const column = { givenName: row.given_name, familyName: row.family_name, middleName: row.middle_name, formatted: row.formatted }[field as string];
    if (column !== null && column !== undefined) name[attr] = column;
  }
  const { name: _name, emails, phoneNumbers, ...rest } = extra;
  const resource: Resource = {
    schemas: [USER_SCHEMA, ...(extra[ENTERPRISE_SCHEMA] ? [ENTERPRISE_SCHEMA] : [])],
    id: row.id,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    // A user made through the GenAuth API may have no username: SCIM needs one, so the email, phone or id stands in.
    userName: row.username ?? row.email ?? row.phone ?? row.id,
    ...(Object.keys(name).length ? { name } : {}),
    ...(row.name !== null ? { displayName: row.name } : {}),
    ...(row.nickname !== null ? { nickName: row.nickname } : {}),
    ...(row.profile !== null ? { profileUrl: row.profile } : {}),
    ...(row.locale !== null ? { locale: row.locale } : {}),
    ...(row.zoneinfo !== null ? { timezone: row.zoneinfo } : {}),
    active: row.status === 'Activated',
    ...rest,
  };
  const mails = multiValued(emails as Multi[] | undefined, row.email, 'work', 'work');
  if (mails) resource.emails = mails;
  const phones = multiValued(phoneNumbers as Multi[] | undefined, row.phone, 'work', 'mobile');
  if (phones) resource.phoneNumbers = phones;
  if (groups.length) resource.groups = groups.map((g) => ({ value: g.id, display: g.name, $ref: `${baseUrl}/Groups/${g.id}`, type: 'direct' }));
  resource.meta = { resourceType: 'User', created: row.created_at, lastModified: row.updated_at, location: `${baseUrl}/Users/${row.id}`, version: versionOf(row.updated_at) };
  return resource;
}

/** What a SCIM User body sets on a Userpool user; strings are '' where the attribute is absent (cleared). */
export interface UserFromScim {
  username: string;
  email: string;
  phone: string;
  externalId: string;
  profile: Partial<Record<ProfileField, string | null>>;
  active?: boolean;
  password?: string;
  /** JSON of the attributes without a column. */
  extra: string;
}

const str = (value: unknown, attribute: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(`${attribute}: must be a string`);
  return value;
};

function multiList(value: unknown, attribute: string): Multi[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidValue(`${attribute}: must be an array of {value, type, primary}`);
  value.forEach((item, i) => {
    if (!item || typeof item !== 'object' || typeof (item as Multi).value !== 'string') throw invalidValue(`${attribute}[${i}].value: must be a string`);
  });
  const primaries = value.filter((item) => asBoolean((item as Multi).primary) === true);
  if (primaries.length > 1) throw invalidValue(`${attribute}: at most one entry may be primary`);
  return (value as Multi[]).map((item) => ({ ...item, ...(item.primary !== undefined ? { primary: asBoolean(item.primary) ?? false } : {}) }));
}

/** Lower-case keys to the client's spelling: SCIM attribute names are case-insensitive. */
function field(body: Resource, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** Reads a whole User (POST, PUT, or the result of a PATCH); names the attribute that is wrong. */
export function fromScimUser(body: Resource): UserFromScim {
  const userName = str(field(body, 'userName'), 'userName');
  if (!userName || !userName.trim()) throw invalidValue('userName: is required and must not be empty');
  const emails = multiList(field(body, 'emails'), 'emails');
  const email = str(primaryOf(emails, 'work')?.value, 'emails.value');
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) throw invalidValue(`emails.value: "${email}" is not an email address`);
  const phones = multiList(field(body, 'phoneNumbers'), 'phoneNumbers');
  const phone = str(primaryOf(phones, 'mobile')?.value, 'phoneNumbers.value');
  const nameValue = field(body, 'name');
  if (nameValue !== undefined && nameValue !== null && (typeof nameValue !== 'object' || Array.isArray(nameValue))) throw invalidValue('name: must be an object');
  const name = (nameValue ?? {}) as Resource;
  const profile: UserFromScim['profile'] = {
    name: str(field(body, 'displayName'), 'displayName') ?? null,
    nickname: str(field(body, 'nickName'), 'nickName') ?? null,
    profile: str(field(body, 'profileUrl'), 'profileUrl') ?? null,
    locale: str(field(body, 'locale'), 'locale') ?? null,
    zoneinfo: str(field(body, 'timezone'), 'timezone') ?? null,
  };
  const nameRest: Resource = {};
  for (const [key, value] of Object.entries(name)) {
    const column = NAME_COLUMNS.find(([attr]) => attr.toLowerCase() === key.toLowerCase());
    if (column) profile[column[1]] = str(value, `name.${column[0]}`) ?? null;
    else nameRest[key] = value;
  }
  for (const [, column] of NAME_COLUMNS) if (!(column in profile)) profile[column] = null;

  const activeValue = field(body, 'active');
  const active = activeValue === undefined || activeValue === null ? undefined : asBoolean(activeValue);
  if (activeValue !== undefined && activeValue !== null && active === undefined) throw invalidValue('active: must be true or false');
  const password = str(field(body, 'password'), 'password');

  const extra: Resource = {};
  for (const [key, value] of Object.entries(body)) {
    if (MAPPED.has(key.toLowerCase()) || key.toLowerCase() === 'name' || key.toLowerCase() === 'emails' || key.toLowerCase() === 'phonenumbers') continue;
    if (key.toLowerCase() === ENTERPRISE_SCHEMA.toLowerCase()) {
      extra[ENTERPRISE_SCHEMA] = enterprise(value);
      continue;
    }
    if (key.startsWith('urn:')) continue; // other extensions are not supported; ignored like unknown attributes
    extra[key] = value;
  }
  if (Object.keys(nameRest).length) extra.name = nameRest;
  if (emails?.length) extra.emails = emails;
  if (phones?.length) extra.phoneNumbers = phones;
  return {
    username: userName,
    email: email ?? '',
    phone: phone ?? '',
    externalId: str(field(body, 'externalId'), 'externalId') ?? '',
    profile,
    active,
    password: password || undefined,
    extra: JSON.stringify(extra),
  };
}

/** The enterprise extension; Entra ID sends `manager` as a bare id string, others as `{ value }`. */
function enterprise(value: unknown): Resource {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidValue(`${ENTERPRISE_SCHEMA}: must be an object`);
  const result: Resource = {};
  for (const [key, v] of Object.entries(value as Resource)) {
    if (v === null || v === undefined || v === '') continue;
    if (key.toLowerCase() === 'manager') {
      if (typeof v === 'string') result.manager = { value: v };
      else if (typeof v === 'object' && !Array.isArray(v) && typeof (v as Resource).value === 'string') result.manager = { value: (v as Resource).value };
      else if (typeof v === 'object' && !Array.isArray(v) && !(v as Resource).value) continue;
      else throw invalidValue(`${ENTERPRISE_SCHEMA}:manager: must be a user id or { value }`);
    } else if (['employeenumber', 'department', 'costcenter', 'organization', 'division'].includes(key.toLowerCase())) {
      result[key] = str(v, `${ENTERPRISE_SCHEMA}:${key}`);
    } else {
      result[key] = v;
    }
  }
  return result;
}
