import Type, { type Static } from 'typebox';
import { Limit, Page, StringEnum } from './common.js';
import { ResourceType } from './resources.js';

/** The end user's own endpoints (AuthenticationClient with the user's access token). */

const Flag = Type.Optional(Type.Boolean());
const Text = (maxLength = 1024) => Type.Optional(Type.String({ maxLength }));
/** Fields the SDK's DTOs carry that this server refuses by name instead of dropping silently. */
const Refused = Type.Optional(Type.Unknown());

export const GetProfileQuery = Type.Object({ withCustomData: Flag, withIdentities: Flag, withDepartmentIds: Flag });

/** UpdateUserProfileDto, plus the other plain profile fields get-profile answers. */
export const UpdateProfileBody = Type.Object({
  name: Text(), nickname: Text(), photo: Text(), birthdate: Text(), country: Text(), province: Text(), city: Text(),
  address: Text(), streetAddress: Text(), postalCode: Text(), company: Text(), identityNumber: Text(),
  givenName: Text(), familyName: Text(), middleName: Text(), profile: Text(), preferredUsername: Text(), website: Text(),
  zoneinfo: Text(), locale: Text(), formatted: Text(), region: Text(),
  gender: Type.Optional(StringEnum(['M', 'F', 'U'] as const)),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  customData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  externalId: Refused, email: Refused, phone: Refused, password: Refused, status: Refused,
});
export type UpdateProfileInput = Static<typeof UpdateProfileBody>;

export const UpdatePasswordBody = Type.Object({
  newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  oldPassword: Type.Optional(Type.String({ maxLength: 1024 })),
  passwordEncryptType: Type.Optional(StringEnum(['none'] as const, { description: 'only plain passwords (none) are accepted' })),
  passwordResetToken: Refused,
});
export type UpdatePasswordInput = Static<typeof UpdatePasswordBody>;

export const MyRoleListQuery = Type.Object({ namespace: Type.Optional(Type.String({ maxLength: 1024 })) });

export const MyDepartmentListQuery = Type.Object({
  page: Page,
  limit: Limit(),
  withCustomData: Flag,
  sortBy: Type.Optional(StringEnum(['DepartmentCreatedAt', 'JoinDepartmentAt', 'DepartmentName', 'DepartmemtCode'] as const)),
  orderBy: Type.Optional(StringEnum(['Asc', 'Desc'] as const)),
});

export const MyAuthorizedResourcesQuery = Type.Object({
  namespace: Type.Optional(Type.String({ maxLength: 1024 })),
  resourceType: Type.Optional(ResourceType),
});

/** AccessibleAppsDto and LoggedInAppsDto. */
export const MyApp = Type.Object({
  appId: Type.String(),
  appName: Type.String(),
  appLoginUrl: Type.String(),
  appLogo: Type.String(),
  active: Type.Boolean(),
});

export const MyLoginHistoryQuery = Type.Object({
  appId: Type.Optional(Type.String({ maxLength: 512 })),
  clientIp: Type.Optional(Type.String({ maxLength: 64 })),
  success: Flag,
  start: Type.Optional(Type.Integer({ minimum: 0, description: 'milliseconds since the epoch' })),
  end: Type.Optional(Type.Integer({ minimum: 0, description: 'milliseconds since the epoch' })),
  page: Page,
  limit: Limit(),
});
export type MyLoginHistoryInput = Static<typeof MyLoginHistoryQuery>;

/** LoginHistoryDto. */
export const MyLogin = Type.Object({
  userId: Type.String(),
  appId: Type.String(),
  appName: Type.String(),
  appLoginUrl: Type.String(),
  appLogo: Type.String(),
  loginAt: Type.String(),
  clientIp: Type.String(),
  success: Type.Boolean(),
  errorMessage: Type.Optional(Type.String()),
  userAgent: Type.String(),
  parsedUserAgent: Type.Object({ device: Type.String(), name: Type.String(), os: Type.String() }),
  loginMethod: Type.String(),
  geoip: Type.Object({}, { additionalProperties: true }),
});

/** GetSecurityInfoDto. */
export const SecurityInfo = Type.Object({
  passwordSecurityLevel: Type.Integer(),
  mfaEnrolled: Type.Boolean(),
  passwordSet: Type.Boolean(),
  emailBinded: Type.Boolean(),
  phoneBinded: Type.Boolean(),
  securityScore: Type.Integer(),
});

// ---- signup and the pool's security settings ----

/** SignUpProfileDto: what a person may say about themselves when registering. */
export const SignUpProfile = Type.Object({
  nickname: Text(), company: Text(), photo: Text(), device: Text(), browser: Text(), name: Text(), givenName: Text(), familyName: Text(),
  middleName: Text(), profile: Text(), preferredUsername: Text(), website: Text(), birthdate: Text(), zoneinfo: Text(), locale: Text(),
  address: Text(), formatted: Text(), streetAddress: Text(), locality: Text(), region: Text(), postalCode: Text(), country: Text(),
  gender: Type.Optional(StringEnum(['M', 'F', 'U'] as const)),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
  phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
  phoneCountryCode: Text(16),
  customData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** SignUpDto. `passwordPayload.phone` is ours: the SDK's DTO names username and email only. */
export const SignUpBody = Type.Object({
  connection: StringEnum(['PASSWORD', 'PASSCODE'] as const),
  passwordPayload: Type.Optional(
    Type.Object({
      password: Type.String({ minLength: 1, maxLength: 1024 }),
      username: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
      phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
    }),
  ),
  passCodePayload: Type.Optional(Type.Unknown()),
  profile: Type.Optional(SignUpProfile),
  options: Type.Optional(
    Type.Object({
      clientIp: Type.Optional(Type.String({ maxLength: 64 })),
      context: Type.Optional(Type.Unknown()),
      passwordEncryptType: Type.Optional(StringEnum(['none'] as const, { description: 'only plain passwords (none) are accepted' })),
      phonePassCodeForInformationCompletion: Type.Optional(Type.Unknown()),
      emailPassCodeForInformationCompletion: Type.Optional(Type.Unknown()),
      passwordForPhonePassCode: Type.Optional(Type.Unknown()),
    }),
  ),
});
export type SignUpInput = Static<typeof SignUpBody>;

export const SecuritySettings = Type.Object({ registerDisabled: Type.Boolean() });
export const UpdateSecuritySettingsBody = Type.Object(
  { registerDisabled: Type.Optional(Type.Boolean()) },
  // The DTO's other fields arrive too; the service refuses them by name.
  { additionalProperties: true },
);
