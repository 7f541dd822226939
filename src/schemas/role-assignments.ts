import Type from 'typebox';

/** list-namespace-roles, multiple-namespace-delete-roles-batch, list-role-assignments, check-role-mutual-exclusion. */
const Code = Type.String({ maxLength: 1024 });
const Page = Type.Optional(Type.Integer({ default: 1 }));
const Limit = Type.Optional(Type.Integer({ default: 10 }));

export const ListNamespaceRolesQuery = Type.Object({ code: Code, page: Page, limit: Limit, keywords: Type.Optional(Type.String({ maxLength: 256 })) });
export const NamespaceRole = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), description: Type.String(), namespace: Type.String(), updatedAt: Type.String() });

export const DeleteRolesAcrossNamespacesBody = Type.Object({
  roleList: Type.Array(Type.Object({ code: Code, namespace: Type.String({ maxLength: 1024 }) }), { maxItems: 50 }),
});

export const CheckMutualExclusionBody = Type.Object({
  roles: Type.Array(Type.Object({ code: Code, namespace: Type.Optional(Type.String({ maxLength: 1024 })) }), { maxItems: 50 }),
});
export const MutualExclusionResult = Type.Object({ existMutuallyExclusive: Type.Boolean() });

export const ListRoleAssignmentsQuery = Type.Object({
  roleCode: Code,
  namespaceCode: Type.Optional(Type.String({ maxLength: 1024 })),
  page: Page,
  limit: Limit,
  query: Type.Optional(Type.String({ maxLength: 256, description: "matches the target's id or name" })),
  targetType: Type.Optional(Type.Array(Type.String(), { maxItems: 2, description: 'USER and/or ORG (departments); both by default' })),
});

export const RoleAssignmentPage = Type.Object({
  totalCount: Type.Integer(),
  data: Type.Array(
    Type.Object({
      roleId: Type.String(),
      status: Type.String({ description: 'ENABLE while the assignment is in force (between enableTime and endTime), else DISABLE' }),
      enableTime: Type.Optional(Type.Number()),
      endTime: Type.Optional(Type.Number()),
      userPoolId: Type.String(),
      roleName: Type.String(),
      roleCode: Type.String(),
      description: Type.String(),
      createdAt: Type.String(),
      updatedAt: Type.String(),
      targetType: Type.String({ description: 'USER or ORG' }),
      targetIdentifier: Type.String({ description: 'the user id or department id' }),
      targetName: Type.String(),
    }),
  ),
});
