/** Row types of applications, signing keys, sessions, refresh tokens and login history (migration 0006). */
export interface ApplicationsTable {
  /** The public appId (OIDC client_id). */
  id: string;
  pool_id: string;
  app_identifier: string;
  app_name: string;
  app_logo: string;
  app_description: string | null;
  app_type: string;
  default_protocol: string;
  template: string | null;
  redirect_uris: string;
  logout_redirect_uris: string;
  init_login_uri: string;
  sso_enabled: number;
  sso_enabled_at: string | null;
  /** Token lifetimes and endpoint auth methods, JSON. */
  oidc_config: string;
  /** The remaining configuration objects (loginConfig, brandingConfig, ...) as given, JSON. */
  settings: string;
  /** AES-256-GCM under the master key: client_secret_basic/post compare against the plaintext. */
  secret_enc: string;
  /** Who may sign in when no rule decides: ALLOW_ALL or DENY_ALL (migration 0007). */
  permission_strategy: 'ALLOW_ALL' | 'DENY_ALL';
  created_at: string;
  updated_at: string;
}

/** One ALLOW or DENY rule of an application for a user, role, group or department (ORG). */
export interface ApplicationAccessTable {
  id: string;
  pool_id: string;
  app_id: string;
  target_type: 'USER' | 'ROLE' | 'GROUP' | 'ORG';
  /** users.id, roles.id, groups.id or departments.id. */
  target_id: string;
  /** Set for USER rules only. */
  user_id: string | null;
  /** The role's namespace code, for ROLE rules. */
  namespace: string | null;
  /** For ORG rules: whether members of departments below it are covered too. */
  inherit_by_children: number;
  effect: 'ALLOW' | 'DENY';
  created_at: string;
  updated_at: string;
}

export interface SigningKeysTable {
  kid: string;
  /** The user pool whose tokens the key signs (null only for a key no pool claimed at migration 0017). */
  pool_id: string | null;
  alg: string;
  public_jwk: string;
  /** PKCS#8 PEM, AES-256-GCM under the master key. */
  private_enc: string;
  created_at: string;
}

/** One sign-in of a user into an application: every token issued from it dies with it. */
export interface OidcSessionsTable {
  id: string;
  pool_id: string;
  user_id: string;
  app_id: string;
  scope: string;
  created_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  /** The provider session (hosted sign-in) this sign-in came through; null for password sign-in (0010). */
  provider_session_id: string | null;
  /** When the person authenticated (the ID token's auth_time); null before 0010. */
  auth_time: string | null;
  /** The `iss` of the session's tokens: its back-channel logout token carries the same (0010). */
  issuer: string | null;
}

export interface RefreshTokensTable {
  id: string;
  pool_id: string;
  session_id: string;
  user_id: string;
  /** SHA-256 of the opaque token; the token itself is never stored. */
  token_hash: string;
  expires_at: string;
  /** Set when the token was exchanged (rotation); a second use revokes the session. */
  used_at: string | null;
  created_at: string;
}

export interface LoginHistoryTable {
  id: string;
  pool_id: string;
  user_id: string;
  app_id: string;
  client_ip: string;
  user_agent: string | null;
  success: number;
  failure_reason: string | null;
  created_at: string;
}

export interface SigninFailuresTable {
  user_id: string;
  pool_id: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

export interface ApplicationTables {
  applications: ApplicationsTable;
  signing_keys: SigningKeysTable;
  oidc_sessions: OidcSessionsTable;
  refresh_tokens: RefreshTokensTable;
  login_history: LoginHistoryTable;
  signin_failures: SigninFailuresTable;
  application_access: ApplicationAccessTable;
}
