import type { Db, Tx } from '../store/database.js';
import * as store from '../store/custom-fields.js';
import type { CustomFieldRow, CustomTarget } from '../store/custom-fields.js';
import { findByIds as findDepartments } from '../store/departments.js';
import { fromBool, nowIso, parseJson, toBool, toJson } from '../store/values.js';
import { customFieldErrors as errors } from '../messages/custom-fields.js';
import type {
  CustomDataTarget, CustomFieldView, ListCustomFieldsInput, SetCustomDataInput, SetCustomFieldsInput, SetUserBaseFieldsInput,
} from '../schemas/custom-fields.js';
import type { Scope } from './context.js';
import { PROFILE_FIELDS, UNIQUE_FIELDS } from './user-fields.js';
import { resolveUser } from './user-resolver.js';
import { findRole } from './roles.js';
import { findGroup } from './groups.js';

/**
 * Custom fields (扩展字段): a pool declares typed keys for users, roles, groups and departments;
 * values written under a declared key are checked and stored in their type in the target's
 * custom data. Keys nobody declared are kept as given, as before fields existed, so existing
 * callers keep working. Deleting a field keeps the values already written.
 */

const MAX_TEXT = 1024;

/** The built-in user fields, in the order the cloud lists them, with their types. */
const BASE_FIELDS: Array<{ key: string; label: string; dataType: string }> = [
  ...UNIQUE_FIELDS.map((key) => ({ key, label: key, dataType: 'STRING' })),
  { key: 'gender', label: 'gender', dataType: 'ENUM' },
  { key: 'emailVerified', label: 'emailVerified', dataType: 'BOOLEAN' },
  { key: 'phoneVerified', label: 'phoneVerified', dataType: 'BOOLEAN' },
  ...Object.keys(PROFILE_FIELDS).map((key) => ({ key, label: key, dataType: key === 'birthdate' ? 'DATETIME' : 'STRING' })),
];
const BASE_KEYS = new Set(BASE_FIELDS.map((f) => f.key));

function toView(row: CustomFieldRow): CustomFieldView {
  const options = parseJson<Array<{ value: string; label: string }> | null>(row.options, null);
  const i18n = parseJson<unknown>(row.i18n, null);
  return {
    targetType: row.target_type as CustomFieldView['targetType'],
    dataType: row.data_type as CustomFieldView['dataType'],
    key: row.key,
    label: row.label,
    ...(row.description !== null ? { description: row.description } : {}),
    encrypted: toBool(row.encrypted),
    isUnique: toBool(row.is_unique),
    userEditable: toBool(row.user_editable),
    visibleInAdminConsole: toBool(row.visible_in_admin_console),
    visibleInUserCenter: toBool(row.visible_in_user_center),
    ...(options ? { options } : {}),
    ...(i18n ? { i18n } : {}),
    createdAt: row.created_at,
  };
}

export async function setCustomFields(scope: Scope, input: SetCustomFieldsInput): Promise<CustomFieldView[]> {
  const seen = new Set<string>();
  input.list.forEach((item, i) => {
    const where = `list[${i}]`;
    if (item.targetType === 'USER' && BASE_KEYS.has(item.key)) throw errors.builtIn(`${where}.key`, item.key);
    const id = `${item.targetType}/${item.key}`;
    if (seen.has(id)) throw errors.twice(`${where}.key`, item.key);
    seen.add(id);
  });
  return scope.db.transaction().execute(async (trx) => {
    const now = nowIso();
    const rows: CustomFieldRow[] = [];
    // One read per target type for the whole list, not one per field.
    const existingByType = new Map<string, Map<string, CustomFieldRow>>();
    for (const type of new Set(input.list.map((item) => item.targetType))) {
      const keys = input.list.filter((item) => item.targetType === type).map((item) => item.key);
      existingByType.set(type, await declaredFields(trx, scope.poolId, type, keys));
    }
    for (const [i, item] of input.list.entries()) {
      const existing = existingByType.get(item.targetType)!.get(item.key);
      const dataType = item.dataType ?? existing?.data_type ?? 'STRING';
      const options = item.options ?? parseJson<Array<{ value: string; label: string }> | null>(existing?.options ?? null, null);
      if (dataType === 'ENUM' && !options?.length) throw errors.enumWithoutOptions(`list[${i}].options`);
      const flag = (given: boolean | undefined, old: number | undefined, fallback: boolean) => fromBool(given ?? (old !== undefined ? toBool(old) : fallback));
      rows.push({
        pool_id: scope.poolId,
        target_type: item.targetType,
        key: item.key,
        data_type: dataType,
        label: item.label ?? existing?.label ?? item.key,
        description: item.description ?? existing?.description ?? null,
        encrypted: flag(item.encrypted, existing?.encrypted, false),
        is_unique: flag(item.isUnique, existing?.is_unique, false),
        user_editable: flag(item.userEditable, existing?.user_editable, false),
        visible_in_admin_console: flag(item.visibleInAdminConsole, existing?.visible_in_admin_console, true),
        visible_in_user_center: flag(item.visibleInUserCenter, existing?.visible_in_user_center, true),
        options: dataType === 'ENUM' ? toJson(options) : null,
        i18n: item.i18n !== undefined ? toJson(item.i18n) : existing?.i18n ?? null,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      });
    }
    await store.upsertFields(trx, rows);
    return rows.map(toView);
  });
}

function visible(view: CustomFieldView, q: { userVisible?: boolean; adminVisible?: boolean }): boolean {
  return (q.userVisible === undefined || view.visibleInUserCenter === q.userVisible) && (q.adminVisible === undefined || view.visibleInAdminConsole === q.adminVisible);
}

export async function getCustomFields(scope: Scope, targetType: string): Promise<CustomFieldView[]> {
  return (await store.listFields(scope.db, scope.poolId, { targetType })).map(toView);
}

export async function listCustomFields(scope: Scope, q: ListCustomFieldsInput): Promise<{ list: CustomFieldView[]; totalCount: number }> {
  const all = (await store.listFields(scope.db, scope.poolId, { targetType: q.targetType, dataType: q.dataType, keyword: q.keyword })).map(toView).filter((v) => visible(v, q));
  const page = q.page ?? 1;
  const limit = q.limit ?? 10;
  return { list: all.slice((page - 1) * limit, page * limit), totalCount: all.length };
}

export async function deleteCustomFields(scope: Scope, list: Array<{ targetType: string; key: string }>): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    for (const [i, item] of list.entries()) {
      if (!(await store.deleteField(trx, scope.poolId, item.targetType, item.key))) throw errors.notDeclared(`list[${i}].key`, item.targetType, item.key);
    }
  });
  return { success: true };
}

/** One value in its field's type; `field` names it in the error. */
function coerce(def: CustomFieldRow, value: unknown, field: string): unknown {
  if (value === null) return null;
  switch (def.data_type) {
    case 'NUMBER': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw errors.wrongType(field, def.key, 'NUMBER', value);
      return n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw errors.wrongType(field, def.key, 'BOOLEAN', value);
    case 'DATETIME': {
      const time = typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(/^\d+$/.test(value) ? Number(value) : value) : new Date(NaN);
      if (Number.isNaN(time.getTime())) throw errors.wrongType(field, def.key, 'DATETIME', value);
      return time.toISOString();
    }
    case 'ENUM': {
      // A value, or an option's label standing for its value (the cloud takes both).
      const options = parseJson<Array<{ value: string; label: string }>>(def.options, []);
      const option = options.find((o) => o.value === String(value)) ?? options.find((o) => o.label === String(value));
      if (!option) throw errors.notAnOption(field, def.key, value, options.map((o) => o.value));
      return option.value;
    }
    default:
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw errors.wrongType(field, def.key, 'STRING', value);
      return String(value);
  }
}

/**
 * Checks custom data before it is written (create-user, update-user, set-custom-data…): values
 * under declared keys are converted to their type or refused; text is at most 1024 characters.
 * `requireDeclared` refuses keys nobody declared (set-custom-data, whose whole point is the fields).
 */
export async function checkCustomData(
  db: Db | Tx,
  poolId: string,
  targetType: CustomTarget,
  data: Record<string, unknown>,
  field = 'customData',
  requireDeclared = false,
): Promise<Record<string, unknown>> {
  return checkAgainst(await declaredFields(db, poolId, targetType, Object.keys(data)), targetType, data, field, requireDeclared);
}

/** checkCustomData for many at once (a batch of users): one read of the declarations for all. */
export async function checkCustomDataOfMany(
  db: Db | Tx,
  poolId: string,
  targetType: CustomTarget,
  items: Array<{ data: Record<string, unknown>; field: string }>,
): Promise<Array<Record<string, unknown>>> {
  const defs = await declaredFields(db, poolId, targetType, items.flatMap((item) => Object.keys(item.data)));
  return items.map((item) => checkAgainst(defs, targetType, item.data, item.field, false));
}

function checkAgainst(
  defs: Map<string, CustomFieldRow>,
  targetType: CustomTarget,
  data: Record<string, unknown>,
  field: string,
  requireDeclared: boolean,
): Record<string, unknown> {
  const keys = Object.keys(data);
  const checked: Record<string, unknown> = {};
  for (const key of keys) {
    const value = data[key];
    const where = `${field}.${key}`;
    if (typeof value === 'string' && value.length > MAX_TEXT) throw errors.tooLong(where);
    const def = defs.get(key);
    if (!def && requireDeclared) throw errors.notDeclared(where, targetType, key);
    checked[key] = def ? coerce(def, value, where) : value;
  }
  return checked;
}

/** The declared fields among `keys` for a target type (list-users filters on them). */
export async function declaredFields(db: Db | Tx, poolId: string, targetType: CustomTarget, keys: string[]): Promise<Map<string, CustomFieldRow>> {
  return new Map((await store.findFields(db, poolId, targetType, [...new Set(keys)])).map((d) => [d.key, d]));
}

/** A filter value in the type its field holds, as values are stored; refused like a write would be. */
export function customFilterValue(def: CustomFieldRow, value: unknown, field: string): unknown {
  return coerce(def, value, field);
}

async function resolveTarget(db: Db | Tx, scope: Scope, target: CustomDataTarget): Promise<string> {
  switch (target.targetType) {
    case 'USER':
      return (await resolveUser(db, scope.poolId, target.targetIdentifier, 'user_id', 'targetIdentifier')).id;
    case 'ROLE':
      return (await findRole(db, scope.poolId, target.targetIdentifier, target.namespace, undefined)).id;
    case 'GROUP':
      return (await findGroup(db, scope.poolId, target.targetIdentifier, 'targetIdentifier')).id;
    default: {
      const [row] = await findDepartments(db, scope.poolId, [target.targetIdentifier]);
      if (!row) throw errors.targetNotFound(target.targetType, target.targetIdentifier);
      return row.id;
    }
  }
}

export async function getCustomData(scope: Scope, target: CustomDataTarget): Promise<Record<string, unknown>> {
  const id = await resolveTarget(scope.db, scope, target);
  return parseJson<Record<string, unknown>>((await store.readCustomData(scope.db, scope.poolId, target.targetType, id)) ?? null, {});
}

export async function setCustomData(scope: Scope, input: SetCustomDataInput): Promise<{ success: boolean }> {
  const given: Record<string, unknown> = {};
  input.list.forEach((item, i) => {
    if (item.key in given) throw errors.twice(`list[${i}].key`, item.key);
    given[item.key] = item.value;
  });
  await scope.db.transaction().execute(async (trx) => {
    const checked = await checkCustomData(trx, scope.poolId, input.targetType, given, 'list', true);
    const id = await resolveTarget(trx, scope, input);
    const current = parseJson<Record<string, unknown>>((await store.readCustomData(trx, scope.poolId, input.targetType, id)) ?? null, {});
    await store.writeCustomData(trx, scope.poolId, input.targetType, id, toJson({ ...current, ...checked }), nowIso());
  });
  return { success: true };
}

type BaseFieldView = Omit<CustomFieldView, 'targetType' | 'dataType'> & { targetType: 'USER'; dataType: string };

async function baseFieldViews(db: Db | Tx, poolId: string): Promise<BaseFieldView[]> {
  const settings = new Map((await store.baseFieldSettings(db, poolId)).map((s) => [s.key, s]));
  return BASE_FIELDS.map((base) => {
    const s = settings.get(base.key);
    const i18n = parseJson<unknown>(s?.i18n ?? null, null);
    return {
      targetType: 'USER',
      dataType: base.dataType,
      key: base.key,
      label: s?.label ?? base.label,
      ...(s?.description ? { description: s.description } : {}),
      encrypted: false,
      isUnique: (UNIQUE_FIELDS as readonly string[]).includes(base.key),
      userEditable: s?.user_editable !== null && s?.user_editable !== undefined ? toBool(s.user_editable) : true,
      visibleInAdminConsole: s?.visible_in_admin_console !== null && s?.visible_in_admin_console !== undefined ? toBool(s.visible_in_admin_console) : true,
      visibleInUserCenter: s?.visible_in_user_center !== null && s?.visible_in_user_center !== undefined ? toBool(s.visible_in_user_center) : true,
      ...(i18n ? { i18n } : {}),
    };
  });
}

export async function getUserBaseFields(scope: Scope): Promise<BaseFieldView[]> {
  return baseFieldViews(scope.db, scope.poolId);
}

export async function listUserBaseFields(
  scope: Scope,
  q: { page?: number; limit?: number; keyword?: string; dataType?: string; userVisible?: boolean; adminVisible?: boolean },
): Promise<{ list: BaseFieldView[]; totalCount: number }> {
  const keyword = q.keyword?.toLowerCase();
  const all = (await baseFieldViews(scope.db, scope.poolId)).filter(
    (v) =>
      (!keyword || v.key.toLowerCase().includes(keyword) || v.label.toLowerCase().includes(keyword)) &&
      (!q.dataType || v.dataType === q.dataType) &&
      visible(v as unknown as CustomFieldView, q),
  );
  const page = q.page ?? 1;
  const limit = q.limit ?? 10;
  return { list: all.slice((page - 1) * limit, page * limit), totalCount: all.length };
}

export async function setUserBaseFields(scope: Scope, input: SetUserBaseFieldsInput): Promise<BaseFieldView[]> {
  input.list.forEach((item, i) => {
    if (!BASE_KEYS.has(item.key)) throw errors.unknownBaseField(`list[${i}].key`, item.key);
  });
  return scope.db.transaction().execute(async (trx) => {
    const now = nowIso();
    const current = new Map((await store.baseFieldSettings(trx, scope.poolId)).map((s) => [s.key, s]));
    const opt = (given: boolean | undefined, old: number | null | undefined) => (given !== undefined ? fromBool(given) : old ?? null);
    await store.upsertBaseFieldSettings(
      trx,
      input.list.map((item) => {
        const old = current.get(item.key);
        return {
          pool_id: scope.poolId,
          key: item.key,
          label: item.label ?? old?.label ?? null,
          description: item.description ?? old?.description ?? null,
          user_editable: opt(item.userEditable, old?.user_editable),
          visible_in_admin_console: opt(item.visibleInAdminConsole, old?.visible_in_admin_console),
          visible_in_user_center: opt(item.visibleInUserCenter, old?.visible_in_user_center),
          i18n: item.i18n !== undefined ? toJson(item.i18n) : old?.i18n ?? null,
          updated_at: now,
        };
      }),
    );
    const keys = new Set(input.list.map((i) => i.key));
    return (await baseFieldViews(trx, scope.poolId)).filter((v) => keys.has(v.key));
  });
}
