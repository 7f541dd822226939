import Type, { type Static } from 'typebox';
import { Limit, Page, StringEnum, UserIdType } from './common.js';

export const RESOURCE_TYPES = ['DATA', 'API', 'MENU', 'BUTTON', 'UI'] as const;
export const TARGET_TYPES = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'] as const;
export const ResourceType = StringEnum(RESOURCE_TYPES);
export const TargetType = StringEnum(TARGET_TYPES);
const Namespace = Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'permission namespace code; default "default"' }));
/** Codes are checked by the service so that every endpoint answers the same message. */
const Code = Type.String({ maxLength: 512 });

export const Action = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), description: Type.Optional(Type.String({ maxLength: 512 })) });

const resourceFields = {
  code: Code,
  type: ResourceType,
  name: Type.Optional(Type.String({ maxLength: 128 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  actions: Type.Optional(Type.Array(Action, { maxItems: 100 })),
  apiIdentifier: Type.Optional(Type.String({ maxLength: 1024 })),
};
export const CreateResourceBody = Type.Object({ ...resourceFields, namespace: Namespace });
export const ResourceInput = Type.Object(resourceFields);
export type ResourceInputType = Static<typeof ResourceInput>;
export const CreateResourcesBatchBody = Type.Object({ list: Type.Array(ResourceInput, { minItems: 1, maxItems: 50 }), namespace: Namespace });
export const UpdateResourceBody = Type.Object({ ...resourceFields, type: Type.Optional(ResourceType), namespace: Namespace });
export type UpdateResourceInput = Static<typeof UpdateResourceBody>;

export const Resource = Type.Object({
  id: Type.String(),
  code: Type.String(),
  type: ResourceType,
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  actions: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
  apiIdentifier: Type.Optional(Type.String()),
  namespace: Type.String(),
  linkedToTenant: Type.Boolean(),
}, { $id: 'Resource' });

export const GetResourceQuery = Type.Object({ code: Code, namespace: Namespace });
export const GetResourcesBatchQuery = Type.Object({
  codeList: Type.Optional(Type.Union([Type.Array(Code), Type.String()], { description: 'an array or a comma-separated string; 1 to 50 codes' })),
  namespace: Namespace,
});
export const ListResourcesQuery = Type.Object({ namespace: Namespace, type: Type.Optional(ResourceType), page: Page, limit: Limit() });
export const DeleteResourceBody = Type.Object({ code: Code, namespace: Namespace });
export const DeleteResourcesBatchBody = Type.Object({
  namespace: Namespace,
  codeList: Type.Optional(Type.Array(Code, { maxItems: 50 })),
  ids: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
});

export const ResourceGrant = Type.Object({
  code: Code,
  actions: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, description: 'empty removes the grant' }),
  resourceType: Type.Optional(ResourceType),
  effect: Type.Optional(StringEnum(['ALLOW', 'DENY'] as const, { description: 'Userpool extension; default ALLOW' })),
});
export const AuthorizeResourcesBody = Type.Object({
  namespace: Namespace,
  list: Type.Array(
    Type.Object({
      targetType: TargetType,
      targetIdentifiers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 50 }),
      resources: Type.Array(ResourceGrant, { minItems: 1, maxItems: 50 }),
    }),
    { minItems: 1, maxItems: 50 },
  ),
});
export type AuthorizeResourcesInput = Static<typeof AuthorizeResourcesBody>;

export const AuthorizedSource = Type.Object({
  targetType: TargetType,
  targetIdentifier: Type.String(),
  viaDepartmentId: Type.Optional(
    Type.String({ description: 'ROLE: the department that holds the role; DEPARTMENT: the user\'s own department below the granted one' }),
  ),
});
export const AuthorizedResource = Type.Object({
  resourceCode: Type.String(),
  resourceType: ResourceType,
  description: Type.Optional(Type.String()),
  apiIdentifier: Type.String(),
  actions: Type.Array(Type.String()),
  effect: StringEnum(['ALLOW', 'DENY'] as const),
  source: Type.Optional(AuthorizedSource),
}, { $id: 'AuthorizedResource' });
export type AuthorizedResourceView = Static<typeof AuthorizedResource>;

export const UserAuthorizedResourcesQuery = Type.Object({
  userId: Type.String({ minLength: 1 }),
  userIdType: UserIdType,
  namespace: Namespace,
  resourceType: Type.Optional(ResourceType),
});
export const AuthorizedResourcesQuery = Type.Object({
  targetType: TargetType,
  targetIdentifier: Type.String(),
  namespace: Namespace,
  resourceType: Type.Optional(ResourceType),
  resourceList: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()])),
  withDenied: Type.Optional(Type.Boolean()),
});
export const SubjectAuthorizedResourcesQuery = Type.Object({
  code: Type.String(),
  namespace: Namespace,
  resourceType: Type.Optional(ResourceType),
});
export const IsActionAllowedBody = Type.Object({
  userId: Type.String({ minLength: 1 }),
  userIdType: UserIdType,
  action: Type.String({ minLength: 1 }),
  resource: Type.String({ minLength: 1 }),
  namespace: Namespace,
});
export const ResourceTargetsBody = Type.Object({
  resource: Type.String({ minLength: 1 }),
  namespace: Namespace,
  targetType: Type.Optional(TargetType),
  page: Page,
  limit: Limit(),
});
export const ResourceTarget = Type.Object({ targetType: TargetType, targetIdentifier: Type.String(), actions: Type.Array(Type.String()), effect: StringEnum(['ALLOW', 'DENY'] as const) });
