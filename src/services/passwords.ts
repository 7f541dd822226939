import argon2 from 'argon2';

/**
 * argon2id at OWASP's minimum (19 MiB, t=2, p=1). argon2 hashes on libuv's thread pool, so the
 * event loop keeps serving other requests meanwhile.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown account, or one without a
 * password) a dummy hash is verified instead, so the answer takes as long either way and timing
 * does not tell who exists.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('userpool-dummy-password');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}
