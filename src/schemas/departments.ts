import Type from 'typebox';
import { StringEnum } from './common.js';

/** Schemas of the newer department endpoints (by id, status, list search, tree, sync relations). */
const TenantId = Type.Optional(Type.String({ description: 'accepted for compatibility; Userpool has no tenants' }));
const OptionalFlag = Type.Optional(Type.Boolean());

export const GetDepartmentByIdQuery = Type.Object({
  departmentId: Type.String({ minLength: 1, maxLength: 64 }),
  withCustomData: OptionalFlag,
  appTypeList: Type.Optional(Type.Array(Type.String())),
  tenantId: TenantId,
});

export const UpdateDepartmentStatusBody = Type.Object({
  departmentId: Type.String({ minLength: 1, maxLength: 64 }),
  status: Type.Boolean({ description: 'true enables, false disables the department and every department below it' }),
});

export const UpdateOrganizationStatusBody = Type.Object({
  rootNodeId: Type.String({ minLength: 1, maxLength: 64, description: "the organization's root department id (its departmentId)" }),
  status: Type.Optional(Type.String({ description: '"true"/"false", "1"/"0" or "enabled"/"disabled"' })),
});

export const SearchDepartmentsListBody = Type.Object({
  organizationCode: Type.String({ maxLength: 64 }),
  withCustomData: OptionalFlag,
  withPost: OptionalFlag,
  page: Type.Optional(Type.Integer({ description: 'from 1; default 1' })),
  limit: Type.Optional(Type.Integer({ description: '1 to 50; default 10' })),
  advancedFilter: Type.Optional(
    Type.Array(
      Type.Object({
        field: Type.String({ description: 'departmentId, parentDepartmentId, name, code, openDepartmentId, description, status, isVirtualNode, createdAt, updatedAt' }),
        operator: StringEnum(['BETWEEN', 'EQUAL', 'IN', 'LESSER', 'GREATER', 'CONTAINS'] as const),
        value: Type.Optional(Type.Any()),
      }),
      { maxItems: 20 },
    ),
  ),
  sortBy: Type.Optional(StringEnum(['updatedAt', 'createdAt'] as const)),
  orderBy: Type.Optional(StringEnum(['ASC', 'DESC'] as const)),
  sort: Type.Optional(Type.Array(Type.Object({ field: StringEnum(['updatedAt', 'createdAt', 'name'] as const), order: StringEnum(['desc', 'asc'] as const) }), { maxItems: 3 })),
  tenantId: TenantId,
});

const DepartmentRef = {
  organizationCode: Type.String({ maxLength: 64 }),
  departmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the root department when absent' })),
  departmentIdType: Type.Optional(Type.String({ description: 'department_id (default; `root` names the root), code or open_department_id' })),
  tenantId: TenantId,
};
const Provider = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^:]+$', description: 'wechatwork, dingtalk, lark, ldap, …' });

export const DepartmentSyncRelation = Type.Object({
  provider: Type.String(),
  departmentIdInIdp: Type.String(),
  userIdInIdp: Type.String({ description: "the same outside id, under the name the SDK's UserSyncRelationDto gives it" }),
  departmentId: Type.String(),
  createdAt: Type.String(),
});
export const CreateDepartmentSyncRelationBody = Type.Object({ ...DepartmentRef, provider: Provider, departmentIdInIdp: Type.String({ minLength: 1, maxLength: 256 }) });
export const GetDepartmentSyncRelationsQuery = Type.Object({ ...DepartmentRef, withCustomData: OptionalFlag });
export const DeleteDepartmentSyncRelationsBody = Type.Object({ ...DepartmentRef, provider: Type.String({ minLength: 1, maxLength: 64 }) });

export const CreateDepartmentTreeBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256, description: "the organization's name (its root department's); created when no organization has it" }),
  children: Type.Optional(Type.Array(Type.Any({ description: '{ name, children, members } or a name' }), { maxItems: 500 })),
  members: Type.Optional(Type.Any({ description: 'a member { username, email, phone, phoneCountryCode, name, gender, country, province, city } or a list of them' })),
  tenantId: TenantId,
});
export const DepartmentTreeResult = Type.Object({ addUser: Type.Integer(), updateUser: Type.Integer(), addDepartment: Type.Integer(), updateDepartment: Type.Integer() });
