import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/**
 * argon2id at OWASP's minimum (19 MiB, t=2, p=1), in PHC strings any argon2 library reads.
 * @node-rs/argon2 runs on libuv's thread pool, so the event loop keeps serving other requests
 * meanwhile; its vectorised core does the same work in about a third of the time of the
 * reference C build, which is what lets two cores sign in more than 60 users a second.
 */
// The package declares its algorithms as an ambient const enum, which cannot be read as a value
// under isolated modules; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm.Argon2id;
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export async function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash (compared in constant time by the library). With no
 * hash (unknown account, or one without a password) a dummy hash is verified instead, so the
 * answer takes as long either way and timing does not tell who exists.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('userpool-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(hash, password).catch(() => false);
}

/**
 * How hard a password is to guess, judged once, when it is set (the hash cannot tell later):
 * 1 weak (shorter than 8 characters, or one kind of character), 3 strong (12 or more characters
 * of at least three kinds: lower case, upper case, digits, others), 2 otherwise.
 */
export function passwordStrength(password: string): 1 | 2 | 3 {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(password)).length;
  const length = [...password].length;
  if (length < 8 || kinds < 2) return 1;
  if (length >= 12 && kinds >= 3) return 3;
  return 2;
}
