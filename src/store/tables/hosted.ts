/** Row types of hosted sign-in (migration 0010): the provider's own sessions, codes and consents. */

/**
 * The identity provider's own session with a browser (the `userpool_session` cookie): single
 * sign-on across a pool's applications. The cookie holds a random value; only its hash is stored.
 */
export interface ProviderSessionsTable {
  /** Also the `sid` of the ID tokens issued through it and of its back-channel logout tokens. */
  id: string;
  pool_id: string;
  user_id: string;
  token_hash: string;
  /** When the person last typed their password in this session (the ID token's auth_time). */
  auth_time: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** An authorization code: works once, for a minute; only its hash is stored. */
export interface AuthorizationCodesTable {
  id: string;
  pool_id: string;
  app_id: string;
  user_id: string;
  provider_session_id: string;
  code_hash: string;
  redirect_uri: string;
  scope: string;
  nonce: string | null;
  /** S256 challenge (base64url of SHA-256 of the verifier); null when the client sent none. */
  code_challenge: string | null;
  auth_time: string;
  expires_at: string;
  used_at: string | null;
  /** The application session the code was exchanged for: a replay of the code ends it. */
  session_id: string | null;
  created_at: string;
}

/** The scopes a person has granted an application (on the sign-in page or the consent page). */
export interface ConsentsTable {
  pool_id: string;
  user_id: string;
  app_id: string;
  /** Space-separated, sorted. */
  scope: string;
  updated_at: string;
}

export interface HostedTables {
  provider_sessions: ProviderSessionsTable;
  authorization_codes: AuthorizationCodesTable;
  consents: ConsentsTable;
}
