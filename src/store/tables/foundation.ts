/** Row types of the foundation tables (migration 0001). Times are ISO strings, booleans 0/1, JSON text. */
export interface UserPoolsTable {
  id: string;
  name: string;
  created_at: string;
  /** 1 when people may register themselves through `signup` (migration 0016; default 0, off). */
  self_registration?: number;
}

export interface AccessKeysTable {
  id: string;
  pool_id: string;
  key_id: string;
  /** AES-256-GCM under the master key: signatures need the plaintext, so it cannot be a hash. */
  secret_enc: string;
  /** `disabled` can be enabled again; `revoked` is final (the CLI's revoke and delete-access-key). */
  status: 'active' | 'disabled' | 'revoked';
  description: string | null;
  created_at: string;
  revoked_at: string | null;
  /** The user who holds a key made with create-access-key `userId` (migration 0013). */
  user_id: string | null;
  /** The `type` given to create-access-key. */
  key_type: string | null;
}

export interface UsersTable {
  id: string;
  pool_id: string;
  username: string | null;
  email: string | null;
  /** Lower-cased email: uniqueness and lookups ignore case the same way on both databases. */
  email_key: string | null;
  phone: string | null;
  phone_country_code: string | null;
  external_id: string | null;
  name: string | null;
  nickname: string | null;
  photo: string | null;
  gender: string;
  email_verified: number;
  phone_verified: number;
  birthdate: string | null;
  country: string | null;
  province: string | null;
  city: string | null;
  address: string | null;
  street_address: string | null;
  postal_code: string | null;
  company: string | null;
  browser: string | null;
  device: string | null;
  given_name: string | null;
  family_name: string | null;
  middle_name: string | null;
  profile: string | null;
  preferred_username: string | null;
  website: string | null;
  zoneinfo: string | null;
  locale: string | null;
  formatted: string | null;
  region: string | null;
  identity_number: string | null;
  status: string;
  work_status: string;
  status_changed_at: string | null;
  password_hash: string | null;
  password_last_set_at: string | null;
  reset_password_on_next_login: number;
  user_source_type: string;
  logins_count: number;
  last_login: string | null;
  last_ip: string | null;
  custom_data: string;
  created_at: string;
  updated_at: string;
  /** Added by migration 0005 (defaults to 'user'): a public account is a user row shared by several people. */
  account_type?: AccountType;
  /** 1 weak, 2 medium, 3 strong, judged when the password was set (migration 0016); null when unknown. */
  password_strength?: number | null;
}

export type AccountType = 'user' | 'public_account';

export interface ExtIdpsTable {
  id: string;
  pool_id: string;
  name: string;
  type: string;
  tenant_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserIdentitiesTable {
  id: string;
  pool_id: string;
  user_id: string;
  ext_idp_id: string;
  provider: string;
  type: string;
  user_id_in_idp: string;
  user_info_in_idp: string;
  /** The provider's tokens, AES-256-GCM under the master key (migration 0018c encrypted older rows). */
  access_token: string | null;
  refresh_token: string | null;
  origin_conn_ids: string;
  created_at: string;
}

export interface SyncRelationsTable {
  id: string;
  pool_id: string;
  user_id: string;
  provider: string;
  user_id_in_idp: string;
  created_at: string;
}

export interface FoundationTables {
  user_pools: UserPoolsTable;
  access_keys: AccessKeysTable;
  users: UsersTable;
  ext_idps: ExtIdpsTable;
  user_identities: UserIdentitiesTable;
  sync_relations: SyncRelationsTable;
}
