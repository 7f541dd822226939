import Type from 'typebox';
import { Limit, Page, StringEnum } from './common.js';

export const CUSTOM_TARGET_TYPES = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'] as const;
export const CUSTOM_DATA_TYPES = ['STRING', 'NUMBER', 'DATETIME', 'BOOLEAN', 'ENUM'] as const;

const TargetType = StringEnum(CUSTOM_TARGET_TYPES);
const DataType = StringEnum(CUSTOM_DATA_TYPES);
const Flag = Type.Optional(Type.Boolean());
const Option = Type.Object({ value: Type.String({ minLength: 1, maxLength: 256 }), label: Type.String({ maxLength: 256 }) });
const I18n = Type.Optional(Type.Object({ label: Type.Record(Type.String(), Type.Any()) }));
// A key is what list-users filters and custom data use: letters, digits and underscores.
const Key = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' });

export const CustomField = Type.Object({
  targetType: TargetType,
  dataType: DataType,
  key: Type.String(),
  label: Type.String(),
  description: Type.Optional(Type.String()),
  encrypted: Type.Boolean(),
  isUnique: Type.Boolean(),
  userEditable: Type.Boolean(),
  visibleInAdminConsole: Type.Boolean(),
  visibleInUserCenter: Type.Boolean(),
  options: Type.Optional(Type.Array(Option)),
  i18n: Type.Optional(Type.Any()),
  createdAt: Type.Optional(Type.String()),
}, { $id: 'CustomField' });

/** A built-in user field with this pool's settings: a custom field whose type is the built-in one. */
export const BaseField = Type.Object({ ...CustomField.properties, dataType: Type.String() }, { $id: 'BaseField' });

export const SetCustomFieldsBody = Type.Object({
  list: Type.Array(
    Type.Object({
      targetType: TargetType,
      key: Key,
      dataType: Type.Optional(DataType),
      label: Type.Optional(Type.String({ maxLength: 256 })),
      description: Type.Optional(Type.String({ maxLength: 1024 })),
      encrypted: Flag,
      isUnique: Flag,
      userEditable: Flag,
      visibleInAdminConsole: Flag,
      visibleInUserCenter: Flag,
      validateRules: Type.Optional(Type.Any()),
      appIds: Type.Optional(Type.Array(Type.String())),
      desensitization: Flag,
      options: Type.Optional(Type.Array(Option, { maxItems: 200 })),
      i18n: I18n,
    }),
    { minItems: 1, maxItems: 50 },
  ),
  tenantId: Type.Optional(Type.String()),
});

/** What list-custom-fields and list-user-base-fields share: paging, visibility and a keyword. */
const ListFieldsParams = {
  tenantId: Type.Optional(Type.String()),
  page: Page,
  limit: Limit(),
  userVisible: Flag,
  adminVisible: Flag,
  accessControl: Flag,
  keyword: Type.Optional(Type.String({ maxLength: 256 })),
  lang: Type.Optional(Type.String()),
};

export const ListCustomFieldsQuery = Type.Object({ targetType: TargetType, dataType: Type.Optional(DataType), ...ListFieldsParams });

export const GetCustomFieldsQuery = Type.Object({ targetType: TargetType, tenantId: Type.Optional(Type.String()) });

export const DeleteCustomFieldsBody = Type.Object({
  tenantId: Type.Optional(Type.String()),
  list: Type.Array(Type.Object({ targetType: TargetType, key: Type.String({ minLength: 1 }) }), { minItems: 1, maxItems: 50 }),
});

const Target = {
  targetType: TargetType,
  targetIdentifier: Type.String({ minLength: 1, maxLength: 512, description: 'user id, role code, group code or department id' }),
  tenantId: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String({ description: 'the role namespace (ROLE only); default when not given' })),
};

export const SetCustomDataBody = Type.Object({
  ...Target,
  list: Type.Array(Type.Object({ key: Type.String({ minLength: 1 }), value: Type.Any(), tenantId: Type.Optional(Type.String()) }), { minItems: 1, maxItems: 100 }),
});

export const GetCustomDataQuery = Type.Object(Target);

export const SetUserBaseFieldsBody = Type.Object({
  list: Type.Array(
    Type.Object({
      key: Type.String({ minLength: 1 }),
      label: Type.Optional(Type.String({ maxLength: 256 })),
      description: Type.Optional(Type.String({ maxLength: 1024 })),
      userEditable: Flag,
      visibleInAdminConsole: Flag,
      visibleInUserCenter: Flag,
      i18n: I18n,
    }),
    { minItems: 1, maxItems: 50 },
  ),
});

export const ListUserBaseFieldsQuery = Type.Object({ targetType: Type.Optional(Type.Literal('USER')), dataType: Type.Optional(Type.String()), ...ListFieldsParams });

export type SetCustomFieldsInput = Type.Static<typeof SetCustomFieldsBody>;
export type ListCustomFieldsInput = Type.Static<typeof ListCustomFieldsQuery>;
export type SetCustomDataInput = Type.Static<typeof SetCustomDataBody>;
export type CustomDataTarget = Type.Static<typeof GetCustomDataQuery>;
export type SetUserBaseFieldsInput = Type.Static<typeof SetUserBaseFieldsBody>;
export type CustomFieldView = Type.Static<typeof CustomField>;
