import Type, { type Static } from 'typebox';
import { Id, Limit, Page, StringEnum, UserIdType } from './common.js';
import { viewFlags } from './users.js';

export const APP_TYPES = ['web', 'spa', 'native', 'api', 'mfa', 'mini-program', 'gateway-app', 'gateway-agent'] as const;
export const PROTOCOLS = ['oidc', 'oauth', 'saml', 'cas', 'asa'] as const;
export const AUTH_METHODS = ['client_secret_post', 'client_secret_basic', 'none'] as const;

const Lifetime = (max: number) => Type.Optional(Type.Integer({ minimum: 60, maximum: max }));
/** The longest an access or id token may live: pruning relies on no token outliving it. */
export const MAX_TOKEN_SECONDS = 30 * 86_400;
const AuthMethod = Type.Optional(StringEnum(AUTH_METHODS));

/**
 * The OIDC settings Userpool acts on, with the cloud's snake_case names (lifetimes in seconds);
 * other keys are kept and echoed back.
 */
export const OidcConfig = Type.Object(
  {
    access_token_expire: Lifetime(MAX_TOKEN_SECONDS),
    id_token_expire: Lifetime(MAX_TOKEN_SECONDS),
    refresh_token_expire: Lifetime(365 * 86_400),
    token_endpoint_auth_method: AuthMethod,
    introspection_endpoint_auth_method: AuthMethod,
    revocation_endpoint_auth_method: AuthMethod,
    backchannel_logout_uri: Type.Optional(Type.String({ maxLength: 2048, description: 'OpenID Connect Back-Channel Logout: where a signed logout_token is posted when a session of this application ends ("" removes it)' })),
  },
  { additionalProperties: true },
);
export type OidcConfigInput = Static<typeof OidcConfig>;

const AnyObject = Type.Object({}, { additionalProperties: true });
const Uri = Type.String({ minLength: 1, maxLength: 2048 });

const settingsFields = {
  templateData: Type.Optional(Type.Any()),
  samlProviderEnabled: Type.Optional(Type.Boolean()),
  samlConfig: Type.Optional(AnyObject),
  oauthProviderEnabled: Type.Optional(Type.Boolean()),
  oauthConfig: Type.Optional(AnyObject),
  casProviderEnabled: Type.Optional(Type.Boolean()),
  casConfig: Type.Optional(AnyObject),
  loginConfig: Type.Optional(AnyObject),
  registerConfig: Type.Optional(AnyObject),
  brandingConfig: Type.Optional(AnyObject),
  ssoShowLaunchpad: Type.Optional(Type.Boolean()),
  enablePermissionApply: Type.Optional(Type.Boolean()),
};
export const SETTINGS_KEYS = Object.keys(settingsFields);

const editable = {
  appName: Type.String({ minLength: 1, maxLength: 256 }),
  appIdentifier: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' })),
  appLogo: Type.Optional(Type.String({ maxLength: 2048 })),
  appDescription: Type.Optional(Type.String({ maxLength: 2048 })),
  defaultProtocol: Type.Optional(StringEnum(PROTOCOLS)),
  redirectUris: Type.Optional(Type.Array(Uri, { maxItems: 50 })),
  logoutRedirectUris: Type.Optional(Type.Array(Uri, { maxItems: 50 })),
  initLoginUri: Type.Optional(Type.String({ maxLength: 2048 })),
  ssoEnabled: Type.Optional(Type.Boolean()),
  oidcConfig: Type.Optional(OidcConfig),
  ...settingsFields,
};

export const CreateApplicationBody = Type.Object({
  ...editable,
  template: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  appType: Type.Optional(StringEnum(APP_TYPES)),
});
export type CreateApplicationInput = Static<typeof CreateApplicationBody>;

export const UpdateApplicationBody = Type.Object({ appId: Id, ...editable, appName: Type.Optional(editable.appName) });
export type UpdateApplicationInput = Static<typeof UpdateApplicationBody>;

export const AppIdBody = Type.Object({ appId: Id });
export const AppIdQuery = Type.Object({ appId: Id });

export const ListApplicationsQuery = Type.Object({
  page: Page,
  limit: Limit(),
  isIntegrateApp: Type.Optional(Type.Boolean()),
  isSelfBuiltApp: Type.Optional(Type.Boolean()),
  ssoEnabled: Type.Optional(Type.Boolean()),
  keywords: Type.Optional(Type.String({ maxLength: 256 })),
  all: Type.Optional(Type.Boolean()),
});
export type ListApplicationsInput = Static<typeof ListApplicationsQuery>;

export const Application = Type.Object({
  appId: Type.String(),
  appIdentifier: Type.String(),
  appName: Type.String(),
  appLogo: Type.String(),
  appDescription: Type.Optional(Type.String()),
  appType: Type.String(),
  userPoolId: Type.String(),
  isIntegrateApp: Type.Boolean(),
  defaultProtocol: Type.String(),
  redirectUris: Type.Array(Type.String()),
  logoutRedirectUris: Type.Array(Type.String()),
  initLoginUri: Type.String(),
  ssoEnabled: Type.Boolean(),
  ssoEnabledAt: Type.Optional(Type.String()),
  loginConfig: AnyObject,
  registerConfig: AnyObject,
  brandingConfig: AnyObject,
  oidcConfig: AnyObject,
  samlProviderEnabled: Type.Boolean(),
  samlConfig: Type.Optional(AnyObject),
  oauthProviderEnabled: Type.Boolean(),
  oauthConfig: Type.Optional(AnyObject),
  casProviderEnabled: Type.Boolean(),
  casConfig: Type.Optional(AnyObject),
  customBrandingEnabled: Type.Boolean(),
  customSecurityEnabled: Type.Boolean(),
  template: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
}, { $id: 'Application' });
export type ApplicationView = Static<typeof Application>;

export const ApplicationSecret = Type.Object({ secret: Type.String() });

export const PERMISSION_STRATEGIES = ['ALLOW_ALL', 'DENY_ALL'] as const;
export const ACCESS_TARGET_TYPES = ['USER', 'ROLE', 'GROUP', 'ORG'] as const;

export const PermissionStrategy = Type.Object({ permissionStrategy: StringEnum(PERMISSION_STRATEGIES) });

export const UpdatePermissionStrategyBody = Type.Object({ appId: Id, permissionStrategy: StringEnum(PERMISSION_STRATEGIES) });
export type UpdatePermissionStrategyInput = Static<typeof UpdatePermissionStrategyBody>;

const TargetIdentifiers = Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
  minItems: 1, maxItems: 50,
  description: 'user ids (USER), role codes (ROLE, in namespaceCode), group codes (GROUP), department ids (ORG)',
});
const NamespaceCode = Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the roles\' namespace; default `default`' }));

export const AuthorizeApplicationAccessBody = Type.Object({
  appId: Id,
  list: Type.Array(
    Type.Object({
      targetType: StringEnum(ACCESS_TARGET_TYPES),
      namespaceCode: NamespaceCode,
      inheritByChildren: Type.Optional(Type.Boolean({ description: 'ORG only: the rule covers departments below it too' })),
      targetIdentifier: TargetIdentifiers,
      effect: StringEnum(['ALLOW', 'DENY'] as const),
    }),
    { minItems: 1, maxItems: 50 },
  ),
});
export type AuthorizeApplicationAccessInput = Static<typeof AuthorizeApplicationAccessBody>;

export const RevokeApplicationAccessBody = Type.Object({
  appId: Id,
  list: Type.Array(
    Type.Object({ targetType: StringEnum(ACCESS_TARGET_TYPES), namespaceCode: NamespaceCode, targetIdentifier: TargetIdentifiers }),
    { minItems: 1, maxItems: 50 },
  ),
});
export type RevokeApplicationAccessInput = Static<typeof RevokeApplicationAccessBody>;

export const UserAppsQuery = Type.Object({ userId: Id, userIdType: UserIdType });

export const UserLoggedInApp = Type.Object({
  appId: Type.String(),
  appName: Type.String(),
  appLogo: Type.String(),
  appLoginUrl: Type.String(),
});
export const UserApp = Type.Object({
  appId: Type.String(),
  appName: Type.String(),
  appLogo: Type.String(),
  appLoginUrl: Type.String(),
  appDefaultLoginStrategy: StringEnum(PERMISSION_STRATEGIES),
});
export type UserAppView = Static<typeof UserApp>;

export const ListApplicationActiveUsersBody = Type.Object({
  appId: Id,
  options: Type.Optional(
    Type.Object({
      pagination: Type.Optional(Type.Object({ page: Page, limit: Limit() })),
      ...viewFlags,
    }),
  ),
});
export type ListApplicationActiveUsersInput = Static<typeof ListApplicationActiveUsersBody>;

/** get/list-application-simple-info: an application in brief. */
export const ApplicationSimpleInfo = Type.Object({
  appId: Type.String(), appIdentifier: Type.String(), appName: Type.String(), appLogo: Type.String(), appDescription: Type.Optional(Type.String()),
  appType: Type.String(), isIntegrateApp: Type.Boolean(),
});
