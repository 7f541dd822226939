import Type from 'typebox';
import { UserIdType } from './common.js';

/**
 * Permission namespaces and roles. Codes, lists and paging are checked by the services, not
 * here, because GenAuth answers those with fixed messages ("参数 code 格式错误", "invalid role
 * code: …") that clients and the SDK's own specs compare verbatim.
 */
const Code = Type.String({ maxLength: 1024 });
const Namespace = Type.Optional(Type.String({ maxLength: 1024 }));
const Page = Type.Optional(Type.Integer({ default: 1 }));
const Limit = Type.Optional(Type.Integer({ default: 10 }));
const Flag = Type.Optional(Type.Boolean());

export const NamespaceView = Type.Object({ code: Type.String(), name: Type.String(), description: Type.Optional(Type.String()) });
export const NamespaceListItem = Type.Object({ ...NamespaceView.properties, status: Type.Integer() });
export const UpdatedNamespace = Type.Object({ ...NamespaceView.properties, newCode: Type.Optional(Type.String()) });

const NamespaceFields = { code: Code, name: Type.Optional(Type.String({ maxLength: 256 })), description: Type.Optional(Type.String({ maxLength: 1024 })) };
export const CreateNamespaceBody = Type.Object(NamespaceFields);
export const CreateNamespacesBody = Type.Object({ list: Type.Array(Type.Object(NamespaceFields), { maxItems: 50 }) });
export const CodeQuery = Type.Object({ code: Code });
export const CodeListQuery = Type.Object({ codeList: Type.Array(Type.String(), { maxItems: 50 }) });
export const UpdateNamespaceBody = Type.Object({ ...NamespaceFields, newCode: Type.Optional(Code) });
export const DeleteNamespaceBody = Type.Object({ code: Code });
export const CodeListBody = Type.Object({ codeList: Type.Array(Type.String(), { maxItems: 50 }) });
export const ListNamespacesQuery = Type.Object({ page: Page, limit: Limit, keywords: Type.Optional(Type.String({ maxLength: 256 })) });

// The SDK's newer permission-namespace names: `codes` for `codeList`, `query` for `keywords`.
export const CodesQuery = Type.Object({ codes: Type.Array(Type.String(), { maxItems: 50 }) });
export const CodesBody = Type.Object({ codes: Type.Array(Type.String(), { maxItems: 50 }) });
export const ListPermissionNamespacesQuery = Type.Object({ page: Page, limit: Limit, query: Type.Optional(Type.String({ maxLength: 256 })) });
export const CheckNamespaceBody = Type.Object({ code: Type.Optional(Code), name: Type.Optional(Type.String({ maxLength: 256 })) });
export const NamespaceCheck = Type.Object({ isValid: Type.Boolean(), message: Type.Optional(Type.String()) });
export const NamespaceRolesQuery = Type.Object({ code: Code, page: Page, limit: Limit, query: Type.Optional(Type.String({ maxLength: 256 })) });
export const NamespaceRole = Type.Object({ code: Type.String(), name: Type.String(), description: Type.String(), namespace: Type.String(), updatedAt: Type.String() });

export const Role = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  namespace: Type.String(),
  namespaceName: Type.String(),
  status: Type.String(),
  disableTime: Type.Optional(Type.Number()),
  enablePermissionApply: Type.Boolean(),
}, { $id: 'Role' });

const Millis = Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Number()]));
const RoleFields = {
  code: Code,
  name: Type.Optional(Type.String({ maxLength: 256 })),
  namespace: Namespace,
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  disableTime: Millis,
};
export const CreateRoleBody = Type.Object(RoleFields);
export const CreateRolesBody = Type.Object({ list: Type.Array(Type.Object(RoleFields), { maxItems: 50 }) });
export const GetRoleQuery = Type.Object({ code: Code, namespace: Namespace });
export const ListRolesQuery = Type.Object({ page: Page, limit: Limit, keywords: Type.Optional(Type.String({ maxLength: 256 })), namespace: Namespace });
export const UpdateRoleBody = Type.Object({
  code: Code,
  newCode: Type.Optional(Code),
  name: Type.Optional(Type.String({ maxLength: 256 })),
  namespace: Namespace,
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  status: Type.Optional(Type.String()),
  disableTime: Millis,
  enablePermissionApply: Flag,
});
export const DeleteRolesBody = Type.Object({ codeList: Type.Array(Type.String(), { maxItems: 50 }), namespace: Namespace });

const Target = Type.Object({ targetType: Type.String(), targetIdentifier: Type.String({ maxLength: 512 }) });
const Targets = Type.Array(Target, { maxItems: 50 });
const RoleRef = Type.Object({ code: Code, namespace: Namespace });
export const AssignRoleBody = Type.Object({
  code: Code,
  namespace: Namespace,
  targets: Targets,
  enableTime: Type.Optional(Type.Number()),
  endTime: Type.Optional(Type.Number()),
});
export const RevokeRoleBody = Type.Object({ code: Code, namespace: Namespace, targets: Targets });
export const RoleBatchBody = Type.Object({ roles: Type.Array(RoleRef, { maxItems: 50 }), targets: Targets });

const MemberFlags = { withCustomData: Flag, withIdentities: Flag, withDepartmentIds: Flag };
export const ListRoleMembersQuery = Type.Object({ code: Code, namespace: Namespace, page: Page, limit: Limit, ...MemberFlags });
export const ListRoleDepartmentsQuery = Type.Object({ code: Code, namespace: Namespace, page: Page, limit: Limit });
export const RoleDepartment = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), description: Type.String() });

export const GetUserRolesQuery = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 512 }), userIdType: UserIdType, namespace: Namespace });
export const HasAnyRoleBody = Type.Object({
  userId: Type.String({ minLength: 1, maxLength: 512 }),
  roles: Type.Array(RoleRef, { maxItems: 50 }),
  options: Type.Optional(Type.Object({ userIdType: UserIdType })),
});
