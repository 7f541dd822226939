import Type from 'typebox';
import { StringEnum, UserIdType } from './common.js';

/**
 * Codes, page and limit are checked by the services rather than here: GenAuth answers those
 * with fixed messages ("参数 organizationCode 格式错误", "invalid organization code: …") that the
 * official SDK's specs pin, and the schema validator cannot phrase them so.
 */
const Code = Type.String({ description: 'letters, digits, _ - . ; at most 64 characters' });
const OptionalFlag = Type.Optional(Type.Boolean());
const PageNumber = Type.Optional(Type.Integer({ description: 'from 1; default 1' }));
const PageLimit = Type.Optional(Type.Integer({ description: '1 to 50; default 10' }));
const TenantId = Type.Optional(Type.String({ description: 'accepted for compatibility; Userpool has no tenants' }));
const DepartmentIdType = Type.Optional(Type.String({ description: 'department_id (default; `root` names the root), code or open_department_id' }));
const I18n = Type.Optional(Type.Any());
const Loose = Type.Optional(Type.Any());

export const Organization = Type.Object({
  organizationCode: Type.String(),
  organizationName: Type.String(),
  description: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  departmentId: Type.String(),
  openDepartmentId: Type.Optional(Type.String()),
  hasChildren: Type.Boolean(),
  leaderUserIds: Type.Array(Type.String()),
  membersCount: Type.Integer(),
  isVirtualNode: Type.Boolean(),
  i18n: Type.Optional(Type.Any()),
  customData: Type.Optional(Type.Any()),
  status: Type.Boolean({ description: 'false once update-organization-status disabled it' }),
}, { $id: 'Organization' });

export const Department = Type.Object(
  {
    organizationCode: Type.String(),
    departmentId: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    openDepartmentId: Type.Optional(Type.String()),
    name: Type.String(),
    leaderUserIds: Type.Array(Type.String()),
    description: Type.Optional(Type.String()),
    parentDepartmentId: Type.String(),
    code: Type.Optional(Type.String()),
    parentDepartmentCode: Type.String(),
    membersCount: Type.Integer(),
    hasChildren: Type.Boolean(),
    isVirtualNode: Type.Boolean(),
    i18n: Type.Optional(Type.Any()),
    customData: Type.Optional(Type.Any()),
    status: Type.Boolean(),
  },
  // flatCustomData spreads the custom fields onto the department itself.
  { $id: 'Department', additionalProperties: true },
);

export const UserDepartment = Type.Object({
  organizationCode: Type.String(),
  departmentId: Type.String(),
  isRoot: Type.Boolean(),
  createdAt: Type.String(),
  name: Type.String(),
  description: Type.String(),
  openDepartmentId: Type.Optional(Type.String()),
  isLeader: Type.Boolean(),
  code: Type.String(),
  isMainDepartment: Type.Boolean(),
  joinedAt: Type.String(),
  isVirtualNode: Type.Boolean(),
  i18n: Type.Optional(Type.Any()),
  customData: Type.Optional(Type.Any()),
  departmentIdPath: Type.Optional(Type.Array(Type.String())),
  departmentCodePath: Type.Optional(Type.Array(Type.String())),
  departmentNamePath: Type.Optional(Type.Array(Type.String())),
}, { $id: 'UserDepartment' });

// ---- organizations ----

export const CreateOrganizationBody = Type.Object({
  organizationCode: Type.Optional(Code),
  organizationName: Type.String({ minLength: 1, maxLength: 256 }),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  openDepartmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  i18n: I18n,
  tenantId: TenantId,
  postIdList: Loose,
  metadata: Loose,
});

export const UpdateOrganizationBody = Type.Object({
  organizationCode: Code,
  organizationNewCode: Type.Optional(Code),
  organizationName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  openDepartmentId: Type.Optional(Type.String({ maxLength: 256 })),
  leaderUserIds: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  i18n: I18n,
  tenantId: TenantId,
  postIdList: Loose,
});

export const OrganizationCodeBody = Type.Object({ organizationCode: Code, tenantId: TenantId });

export const GetOrganizationQuery = Type.Object({ organizationCode: Code, withCustomData: OptionalFlag, withPost: OptionalFlag, tenantId: TenantId });

export const GetOrganizationsBatchQuery = Type.Object({
  organizationCodeList: Type.Array(Code, { minItems: 1, maxItems: 50 }),
  withCustomData: OptionalFlag,
  withPost: OptionalFlag,
  tenantId: TenantId,
});

export const ListOrganizationsQuery = Type.Object({
  page: PageNumber,
  limit: PageLimit,
  fetchAll: OptionalFlag,
  withCustomData: OptionalFlag,
  withPost: OptionalFlag,
  tenantId: TenantId,
  status: OptionalFlag,
});

export const SearchOrganizationsQuery = Type.Object({
  keywords: Type.String(),
  page: PageNumber,
  limit: PageLimit,
  withCustomData: OptionalFlag,
  tenantId: TenantId,
});

// ---- departments ----

const departmentRef = { organizationCode: Code, departmentId: Type.String(), departmentIdType: DepartmentIdType, tenantId: TenantId };

export const GetDepartmentQuery = Type.Object({
  organizationCode: Type.Optional(Code),
  departmentId: Type.Optional(Type.String()),
  departmentCode: Type.Optional(Type.String()),
  departmentIdType: DepartmentIdType,
  withCustomData: OptionalFlag,
  flatCustomData: OptionalFlag,
  tenantId: TenantId,
});

export const CreateDepartmentBody = Type.Object({
  organizationCode: Code,
  name: Type.String({ minLength: 1, maxLength: 256 }),
  parentDepartmentId: Type.String({ minLength: 1 }),
  openDepartmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  code: Type.Optional(Code),
  isVirtualNode: OptionalFlag,
  i18n: I18n,
  customData: Type.Optional(Type.Record(Type.String(), Type.Any())),
  departmentIdType: DepartmentIdType,
  leaderUserIds: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  postIdList: Loose,
  tenantId: TenantId,
  metadata: Loose,
});

export const UpdateDepartmentBody = Type.Object({
  ...departmentRef,
  leaderUserIds: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  code: Type.Optional(Code),
  i18n: I18n,
  status: OptionalFlag,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  parentDepartmentId: Type.Optional(Type.String({ minLength: 1 })),
  openDepartmentId: Type.Optional(Type.String({ maxLength: 256 })),
  customData: Type.Optional(Type.Record(Type.String(), Type.Any())),
  postIdList: Loose,
  metadata: Loose,
});

export const DepartmentRefBody = Type.Object(departmentRef);
export const DepartmentRefQuery = Type.Object(departmentRef);

export const SearchDepartmentsBody = Type.Object({
  keywords: Type.String(),
  organizationCode: Code,
  withCustomData: OptionalFlag,
  tenantId: TenantId,
});

export const ListChildrenQuery = Type.Object({
  ...departmentRef,
  status: OptionalFlag,
  excludeVirtualNode: OptionalFlag,
  onlyVirtualNode: OptionalFlag,
  withCustomData: OptionalFlag,
});

export const GetAllDepartmentsQuery = Type.Object({
  organizationCode: Code,
  departmentId: Type.Optional(Type.String()),
  departmentIdType: DepartmentIdType,
  withCustomData: OptionalFlag,
});

export const GetParentDepartmentQuery = Type.Object({ ...departmentRef, withCustomData: OptionalFlag });

const memberListFields = {
  ...departmentRef,
  includeChildrenDepartments: OptionalFlag,
  page: PageNumber,
  limit: PageLimit,
  withCustomData: OptionalFlag,
  withIdentities: OptionalFlag,
  withDepartmentIds: OptionalFlag,
};

export const ListDepartmentMembersQuery = Type.Object({
  ...memberListFields,
  sortBy: Type.Optional(StringEnum(['Default', 'JoinDepartmentAt', 'userId', 'createAt', 'updatedAt'] as const)),
  orderBy: Type.Optional(StringEnum(['Asc', 'Desc'] as const)),
});

export const SearchDepartmentMembersQuery = Type.Object({ ...memberListFields, keywords: Type.String() });

export const DepartmentMembersBody = Type.Object({
  ...departmentRef,
  userIds: Type.Array(Type.String(), { minItems: 1, maxItems: 50 }),
});

export const IsUserInDepartmentQuery = Type.Object({ ...departmentRef, userId: Type.String(), includeChildrenDepartments: OptionalFlag });

export const GetUserDepartmentsQuery = Type.Object({
  userId: Type.String(),
  userIdType: UserIdType,
  page: PageNumber,
  limit: PageLimit,
  withCustomData: OptionalFlag,
  withDepartmentPaths: OptionalFlag,
  sortBy: Type.Optional(StringEnum(['DepartmentCreatedAt', 'JoinDepartmentAt', 'DepartmentName', 'DepartmemtCode'] as const)),
  orderBy: Type.Optional(StringEnum(['Asc', 'Desc'] as const)),
});

export const SetUserDepartmentsBody = Type.Object({
  userId: Type.String({ minLength: 1 }),
  departments: Type.Array(
    Type.Object({ departmentId: Type.String(), isLeader: OptionalFlag, isMainDepartment: OptionalFlag }),
    // The cloud refuses an empty list (400 "参数 departments 格式错误"); remove-department-members empties.
    { minItems: 1, maxItems: 50 },
  ),
  options: Type.Optional(Type.Object({ userIdType: UserIdType })),
});
