import type { JWTPayload } from 'jose';

/**
 * Access tokens whose signature already verified, with their claims. A signature that verified
 * once verifies forever, so checking it again on every introspection and userinfo call (RSA
 * through WebCrypto, most of a token check's CPU) buys nothing; expiry is still checked on every
 * use, and whether the session is live is never cached (it is read from the database each time).
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, JWTPayload>();

  constructor(private readonly capacity = 20_000) {}

  /** The claims of a token verified before and not yet expired. */
  get(token: string): JWTPayload | undefined {
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  remember(token: string, claims: JWTPayload): void {
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
  }
}
