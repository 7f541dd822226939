import Type, { type Static } from 'typebox';
import { Id, Limit, Page, StringEnum, UserIdType } from './common.js';

export const SignInBody = Type.Object({
  connection: StringEnum(['PASSWORD', 'PASSCODE', 'LDAP', 'AD'] as const),
  passwordPayload: Type.Optional(
    Type.Object({
      password: Type.String({ minLength: 1, maxLength: 1024 }),
      account: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
      email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
      username: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    }),
  ),
  passCodePayload: Type.Optional(Type.Any()),
  adPayload: Type.Optional(Type.Any()),
  ldapPayload: Type.Optional(Type.Any()),
  options: Type.Optional(
    Type.Object({
      scope: Type.Optional(Type.String({ maxLength: 1024 })),
      clientIp: Type.Optional(Type.String({ maxLength: 64 })),
      context: Type.Optional(Type.Any()),
      tenantId: Type.Optional(Type.String()),
      customData: Type.Optional(Type.Any()),
      autoRegister: Type.Optional(Type.Boolean()),
      captchaCode: Type.Optional(Type.String()),
      captchaToken: Type.Optional(Type.String()),
      passwordEncryptType: Type.Optional(StringEnum(['none'] as const, { description: 'only plain passwords (none) are accepted' })),
    }),
  ),
  client_id: Type.Optional(Type.String({ maxLength: 128 })),
  client_secret: Type.Optional(Type.String({ maxLength: 256 })),
});
export type SignInInput = Static<typeof SignInBody>;

export const TokenSet = Type.Object({
  scope: Type.String(),
  access_token: Type.String(),
  id_token: Type.String(),
  refresh_token: Type.Optional(Type.String()),
  token_type: Type.String(),
  expires_in: Type.Integer(),
  expire_in: Type.Integer(),
});

export const KickUsersBody = Type.Object({
  appIds: Type.Array(Id, { minItems: 1, maxItems: 50 }),
  userId: Id,
  options: Type.Optional(Type.Object({ userIdType: UserIdType })),
});

export const LoginHistoryQuery = Type.Object({
  userId: Id,
  userIdType: UserIdType,
  appId: Type.Optional(Type.String()),
  clientIp: Type.Optional(Type.String()),
  start: Type.Optional(Type.Integer({ minimum: 0, description: 'milliseconds since the epoch' })),
  end: Type.Optional(Type.Integer({ minimum: 0, description: 'milliseconds since the epoch' })),
  page: Page,
  limit: Limit(),
});
export type LoginHistoryInput = Static<typeof LoginHistoryQuery>;

export const LoginHistoryItem = Type.Object({
  appId: Type.String(),
  appName: Type.String(),
  appLogo: Type.String(),
  appLoginUrl: Type.String(),
  clientIp: Type.String(),
  userAgent: Type.Optional(Type.String()),
  time: Type.String(),
  success: Type.Boolean(),
  failureReason: Type.Optional(Type.String()),
});
