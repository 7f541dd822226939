import Type from 'typebox';

export const AdminUser = Type.Object({
  userId: Type.String(),
  name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  status: Type.String(),
});

/** Who is calling: an administrator signed in to the console, or an access key. */
export const WhoAmI = Type.Object({
  actorType: Type.Union([Type.Literal('admin'), Type.Literal('access_key')]),
  poolId: Type.String(),
  poolName: Type.String(),
  accessKeyId: Type.Optional(Type.String({ description: 'set when an access key signed the request' })),
  user: Type.Optional(AdminUser),
});

export const ConsoleConfigQuery = Type.Object({
  pool: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'user pool id or name; the default pool when absent' })),
});

/** What the console needs to sign an administrator in (OIDC code + PKCE S256). */
export const ConsoleConfig = Type.Object({
  poolId: Type.String(),
  poolName: Type.String(),
  clientId: Type.String(),
  issuer: Type.String(),
  redirectUri: Type.String(),
  postLogoutRedirectUri: Type.String(),
  scope: Type.String(),
});
