import { parse, type Filter } from 'scim2-parse-filter';
import type { CompareOp, ScimPredicate } from '../../store/scim.js';
import { invalidFilter } from './errors.js';
import { GROUP_SCHEMA, USER_SCHEMA, asBoolean, splitAttributePath } from './resources.js';

/**
 * SCIM filters (RFC 7644 §3.4.2.2) become SQL, never a scan in memory: the library parses the
 * text into a tree, and this module maps each attribute to its column (or to a membership test)
 * and checks each value, so the store can turn the tree into one WHERE clause.
 */

type Value = string | number | boolean | null;

/** How an attribute is compared: the column, whether case is ignored, and how values are read. */
interface Attribute {
  column: string;
  fold: boolean;
  kind?: 'lower' | 'time' | 'active' | 'member';
}

const USER_ATTRIBUTES: Record<string, Attribute> = {
  id: { column: 'users.id', fold: false },
  username: { column: 'users.username', fold: true },
  externalid: { column: 'users.external_id', fold: false },
  displayname: { column: 'users.name', fold: true },
  nickname: { column: 'users.nickname', fold: true },
  'name.givenname': { column: 'users.given_name', fold: true },
  'name.familyname': { column: 'users.family_name', fold: true },
  'name.formatted': { column: 'users.formatted', fold: true },
  // email_key is the lower-cased primary email: compared as is, with the value lower-cased.
  emails: { column: 'users.email_key', fold: false, kind: 'lower' },
  'emails.value': { column: 'users.email_key', fold: false, kind: 'lower' },
  phonenumbers: { column: 'users.phone', fold: false },
  'phonenumbers.value': { column: 'users.phone', fold: false },
  active: { column: 'users.status', fold: false, kind: 'active' },
  'meta.lastmodified': { column: 'users.updated_at', fold: false, kind: 'time' },
  'meta.created': { column: 'users.created_at', fold: false, kind: 'time' },
};

const GROUP_ATTRIBUTES: Record<string, Attribute> = {
  id: { column: 'groups.id', fold: false },
  displayname: { column: 'groups.name', fold: true },
  externalid: { column: 'ga.external_id', fold: false },
  members: { column: '', fold: false, kind: 'member' },
  'members.value': { column: '', fold: false, kind: 'member' },
  'meta.lastmodified': { column: 'groups.updated_at', fold: false, kind: 'time' },
  'meta.created': { column: 'groups.created_at', fold: false, kind: 'time' },
};

export type ResourceKind = 'User' | 'Group';

function attributeOf(kind: ResourceKind, path: string): Attribute {
  const table = kind === 'User' ? USER_ATTRIBUTES : GROUP_ATTRIBUTES;
  const name = splitAttributePath(path, kind === 'User' ? USER_SCHEMA : GROUP_SCHEMA).join('.').toLowerCase();
  // Own keys only: `constructor` or `__proto__` must be unknown, not what every object inherits.
  const attribute = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!attribute) {
    throw invalidFilter(`attribute "${path}" cannot be filtered on ${kind}s; filterable: ${Object.keys(table).join(', ')}`);
  }
  return attribute;
}

function textOf(value: Value, path: string, op: string): string {
  if (value === null || typeof value === 'object') throw invalidFilter(`${path} ${op}: needs a value`);
  return String(value);
}

function timeOf(value: Value, path: string, op: string): string {
  const date = new Date(textOf(value, path, op));
  // Years 1 to 9999: both databases read those, and ISO text sorts as time only at four digits.
  if (Number.isNaN(date.getTime()) || !/^\d{4}-/.test(date.toISOString()) || date.getUTCFullYear() < 1) throw invalidFilter(`${path} ${op}: "${String(value)}" is not a date-time`);
  return date.toISOString();
}

function comparison(kind: ResourceKind, path: string, op: CompareOp, value: Value): ScimPredicate {
  const attribute = attributeOf(kind, path);
  if (op !== 'pr' && value === null) {
    // RFC 7644: `eq null` is "has no value".
    if (op === 'eq') return { kind: 'not', item: comparison(kind, path, 'pr', null) };
    if (op === 'ne') return comparison(kind, path, 'pr', null);
  }
  switch (attribute.kind) {
    case 'active': {
      if (op === 'pr') return { kind: 'const', value: true };
      const wanted = asBoolean(value);
      if (wanted === undefined || (op !== 'eq' && op !== 'ne')) throw invalidFilter(`active ${op}: active is a boolean, compared with eq or ne to true or false`);
      const activated: ScimPredicate = { kind: 'compare', column: attribute.column, op: 'eq', value: 'Activated', fold: false };
      return wanted === (op === 'eq') ? activated : { kind: 'not', item: activated };
    }
    case 'member':
      return { kind: 'member', op, value: op === 'pr' ? undefined : textOf(value, path, op) };
    case 'time':
      return { kind: 'compare', column: attribute.column, op, value: op === 'pr' ? undefined : timeOf(value, path, op), fold: false };
    case 'lower':
      return { kind: 'compare', column: attribute.column, op, value: op === 'pr' ? undefined : textOf(value, path, op).toLowerCase(), fold: false };
    default:
      return { kind: 'compare', column: attribute.column, op, value: op === 'pr' ? undefined : textOf(value, path, op), fold: attribute.fold };
  }
}

/** `emails[value co "x"]`, `members[value eq "id"]`: the inner filter on sub-attributes of the multi-valued one. */
function valuePath(kind: ResourceKind, parent: string, inner: Filter): ScimPredicate {
  switch (inner.op) {
    case 'and':
    case 'or':
      return { kind: inner.op, items: inner.filters.map((f) => valuePath(kind, parent, f)) };
    case 'not':
      return { kind: 'not', item: valuePath(kind, parent, inner.filter) };
    case '[]':
      throw invalidFilter(`${parent}[…]: filters cannot nest`);
    default: {
      const sub = inner.attrPath.toLowerCase();
      // Userpool keeps one email and one phone (the primary), so `primary eq true` holds when there is one.
      if (sub === 'primary' && inner.op === 'eq' && asBoolean(inner.compValue) === true) return comparison(kind, parent, 'pr', null);
      if (sub === 'type' && inner.op === 'pr') return comparison(kind, parent, 'pr', null);
      if (sub !== 'value') throw invalidFilter(`${parent}[${inner.attrPath} …]: only "value" (and "primary eq true") can be filtered inside ${parent}`);
      return comparison(kind, parent, inner.op, inner.op === 'pr' ? null : (inner as { compValue: Value }).compValue);
    }
  }
}

function translate(kind: ResourceKind, filter: Filter): ScimPredicate {
  switch (filter.op) {
    case 'and':
    case 'or':
      return { kind: filter.op, items: filter.filters.map((f) => translate(kind, f)) };
    case 'not':
      return { kind: 'not', item: translate(kind, filter.filter) };
    case '[]':
      return valuePath(kind, filter.attrPath, filter.valFilter);
    case 'pr':
      return comparison(kind, filter.attrPath, 'pr', null);
    default:
      return comparison(kind, filter.attrPath, filter.op, filter.compValue);
  }
}

const MAX_FILTER = 4096;

/** Parses and maps a filter; a filter that cannot be read or names an unknown attribute is a 400 `invalidFilter`. */
export function parseScimFilter(kind: ResourceKind, text: string | undefined): ScimPredicate | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (text.length > MAX_FILTER) throw invalidFilter(`filter: longer than ${MAX_FILTER} characters`);
  let tree: Filter;
  try {
    tree = parse(text);
  } catch (error) {
    throw invalidFilter(`filter: cannot be parsed (${error instanceof Error ? error.message : String(error)})`);
  }
  return translate(kind, tree);
}
