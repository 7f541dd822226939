/** Row types of the security hardening (migrations 0018…): replay nonces. */

/**
 * A signature nonce seen on a signed management request, kept until its window closes so that a
 * replay is refused even after a restart when there is no Redis (migration 0018).
 */
export interface SignatureNoncesTable {
  key_id: string;
  nonce: string;
  expires_at: string;
}

export interface SecurityTables {
  signature_nonces: SignatureNoncesTable;
}
