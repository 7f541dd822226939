/** Row types of the security hardening (migrations 0018…): replay nonces, sign-in identifiers. */

/**
 * A signature nonce seen on a signed management request, kept until its window closes so that a
 * replay is refused even after a restart when there is no Redis (migration 0018).
 */
export interface SignatureNoncesTable {
  key_id: string;
  nonce: string;
  expires_at: string;
}

/**
 * Every username, email and phone of a pool, lower-cased, in one namespace (migration 0018b):
 * the primary key lets the database refuse a value that is already another user's identifier of
 * any kind, so `account` sign-in (which tries all three) can never match two people.
 */
export interface UserIdentifiersTable {
  pool_id: string;
  /** The identifier, lower-cased. */
  key: string;
  user_id: string;
}

/** Wrong passwords for one account from one client address (migration 0018d). */
export interface SigninAddressFailuresTable {
  user_id: string;
  pool_id: string;
  client_ip: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

export interface SecurityTables {
  signin_address_failures: SigninAddressFailuresTable;
  signature_nonces: SignatureNoncesTable;
  user_identifiers: UserIdentifiersTable;
}
