import Type, { type TOptional, type TString } from 'typebox';
import { PROFILE_FIELDS, type ProfileField } from '../services/user-fields.js';
import { Id, Limit, MAX_PAGE, Page, StringEnum, UserIdType, UserStatus } from './common.js';

// Named field by field in its type, so that the static types of users carry every profile field.
const profile = Object.fromEntries(Object.keys(PROFILE_FIELDS).map((k) => [k, Type.Optional(Type.String({ maxLength: 1024 }))])) as { [K in ProfileField]: TOptional<TString> };
const Gender = StringEnum(['M', 'F', 'U'] as const);

export const IdentityInput = Type.Object({
  extIdpId: Type.String({ minLength: 1 }),
  provider: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  userIdInIdp: Type.String({ minLength: 1 }),
  userInfoInIdp: Type.Optional(Type.Any()),
  accessToken: Type.Optional(Type.String()),
  refreshToken: Type.Optional(Type.String()),
  originConnIds: Type.Optional(Type.Array(Type.String())),
}, { $id: 'IdentityInput' });

export const Identity = Type.Object({
  identityId: Type.String(),
  extIdpId: Type.String(),
  provider: Type.String(),
  type: Type.String(),
  userIdInIdp: Type.String(),
  userInfoInIdp: Type.Any(),
  originConnIds: Type.Array(Type.String()),
}, { $id: 'Identity' });

const userFields = {
  ...profile,
  status: Type.Optional(UserStatus),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
  phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  gender: Type.Optional(Gender),
  emailVerified: Type.Optional(Type.Boolean()),
  phoneVerified: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  salt: Type.Optional(Type.String()),
  tenantIds: Type.Optional(Type.Array(Type.String())),
  customData: Type.Optional(Type.Record(Type.String(), Type.Any())),
  metadataSource: Type.Optional(Type.Any()),
  identities: Type.Optional(Type.Array(IdentityInput, { maxItems: 20 })),
  departmentIds: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
};

export const CreateUserOptions = Type.Optional(
  Type.Object({
    keepPassword: Type.Optional(Type.Boolean()),
    autoGeneratePassword: Type.Optional(Type.Boolean()),
    resetPasswordOnFirstLogin: Type.Optional(Type.Boolean()),
    departmentIdType: Type.Optional(Type.String()),
    sendNotification: Type.Optional(Type.Any()),
    passwordEncryptType: Type.Optional(StringEnum(['none'] as const, { description: 'only plain passwords (none) are accepted' })),
  }, { $id: 'CreateUserOptions' }),
);

// The bodies below are shared with the public-account routes (a public account is a user row).
export const CreateUserBody = Type.Object({ ...userFields, options: CreateUserOptions }, { $id: 'CreateUserBody' });
export const CreateUsersBatchBody = Type.Object({
  list: Type.Array(Type.Object(userFields), { minItems: 1, maxItems: 50 }),
  options: CreateUserOptions,
}, { $id: 'CreateUsersBatchBody' });

export const UpdateUserBody = Type.Object({
  userId: Id,
  ...userFields,
  metadata: Type.Optional(Type.Any()),
  options: Type.Optional(
    Type.Object({
      userIdType: UserIdType,
      resetPasswordOnFirstLogin: Type.Optional(Type.Boolean()),
      resetPasswordOnNextLogin: Type.Optional(Type.Boolean()),
      passwordEncryptType: Type.Optional(StringEnum(['none'] as const)),
      autoGeneratePassword: Type.Optional(Type.Boolean()),
      sendPasswordResetedNotification: Type.Optional(Type.Any()),
    }),
  ),
}, { $id: 'UpdateUserBody' });

/** One user's changes in update-user-batch (and update-public-account-batch): update-user's body without its options. */
export const UserChanges = Type.Omit(UpdateUserBody, ['options'], { $id: 'UserChanges' });

export const UpdateUserBatchBody = Type.Object({
  list: Type.Array(UserChanges, { minItems: 1, maxItems: 50 }),
  options: Type.Optional(
    Type.Object({
      resetPasswordOnNextLogin: Type.Optional(Type.Boolean()),
      passwordEncryptType: Type.Optional(StringEnum(['none'] as const)),
      autoGeneratePassword: Type.Optional(Type.Boolean()),
      sendPasswordResetedNotification: Type.Optional(Type.Any()),
    }),
  ),
});

export const viewFlags = {
  withCustomData: Type.Optional(Type.Boolean()),
  withIdentities: Type.Optional(Type.Boolean()),
  withDepartmentIds: Type.Optional(Type.Boolean()),
  withPost: Type.Optional(Type.Boolean()),
  flatCustomData: Type.Optional(Type.Boolean()),
};

export const GetUserQuery = Type.Object({ userId: Id, userIdType: UserIdType, ...viewFlags });
export const GetUserBatchQuery = Type.Object({ userIds: Type.Array(Id, { minItems: 1, maxItems: 50 }), userIdType: UserIdType, ...viewFlags });

export const ListUsersBody = Type.Object({
  keywords: Type.Optional(Type.String({ maxLength: 256 })),
  advancedFilter: Type.Optional(
    Type.Array(
      Type.Object({
        field: Type.String(),
        operator: StringEnum(['EQUAL', 'NOT_EQUAL', 'CONTAINS', 'NOT_CONTAINS', 'IS_NULL', 'NOT_NULL', 'IN', 'GREATER', 'LESSER', 'BETWEEN'] as const),
        value: Type.Optional(Type.Any()),
      }),
      { maxItems: 20 },
    ),
  ),
  searchQuery: Type.Optional(Type.Any()),
  options: Type.Optional(
    Type.Object({
      pagination: Type.Optional(
        Type.Object({
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
        }),
      ),
      sort: Type.Optional(Type.Array(Type.Object({ field: Type.String(), order: StringEnum(['asc', 'desc'] as const) }), { maxItems: 5 })),
      fuzzySearchOn: Type.Optional(Type.Array(Type.String(), { maxItems: 40 })),
      ...viewFlags,
    }),
  ),
}, { $id: 'ListUsersBody' });

export const DeleteUsersBody = Type.Object({
  userIds: Type.Array(Id, { minItems: 1, maxItems: 50 }),
  options: Type.Optional(Type.Object({ userIdType: UserIdType })),
});

export const UnlockUserBody = Type.Object({ userId: Id, userIdType: UserIdType });
export const UnlockUserResult = Type.Object({
  success: Type.Boolean(),
  wasLocked: Type.Boolean({ description: 'whether a lock-out (of the account or of an address) was in force' }),
});

export const IsUserExistsBody = Type.Object({
  username: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
  externalId: Type.Optional(Type.String()),
});

/** The user as the SDK's UserDto; extra keys only appear with flatCustomData. */
export const User = Type.Object(
  {
    userId: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    status: Type.String(),
    workStatus: Type.String(),
    externalId: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    phone: Type.Optional(Type.String()),
    username: Type.Optional(Type.String()),
    gender: Type.String(),
    emailVerified: Type.Boolean(),
    phoneVerified: Type.Boolean(),
    loginsCount: Type.Integer(),
    // null until the first sign-in, as the cloud answers.
    lastLogin: Type.Union([Type.String(), Type.Null()]),
    lastIp: Type.Union([Type.String(), Type.Null()]),
    passwordLastSetAt: Type.Optional(Type.String()),
    resetPasswordOnNextLogin: Type.Boolean(),
    userSourceType: Type.String(),
    statusChangedAt: Type.Optional(Type.String()),
    ...profile,
    customData: Type.Optional(Type.Any()),
    identities: Type.Optional(Type.Array(Identity)),
    departmentIds: Type.Optional(Type.Array(Type.String())),
    postIdList: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'User', additionalProperties: true },
);

export const ListArchivedUsersQuery = Type.Object({
  page: Page,
  limit: Limit(),
  startAt: Type.Optional(Type.Integer({ minimum: 0, description: 'only users archived at or after this moment, epoch milliseconds' })),
});
export const ArchivedUser = Type.Object({ userId: Type.String(), archivedAt: Type.String() });

const MfaStatus = StringEnum(['enabled', 'disabled'] as const);
export const UserMfaInfo = Type.Object({ totpStatus: MfaStatus, faceMfaStatus: MfaStatus, smsMfaStatus: MfaStatus, emailMfaStatus: MfaStatus });

/** get-user-logged-in-identities: an identity named after its source. */
export const LoggedInIdentity = Type.Object({
  identityId: Type.String(),
  idpId: Type.String(),
  idpName: Type.String(),
  idpNameEn: Type.String(),
  idpLogo: Type.String(),
});
