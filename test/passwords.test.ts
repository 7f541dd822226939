import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/services/passwords.js';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';

/** Written for the password "pw" by the reference C implementation (the `argon2` npm package). */
const REFERENCE_HASH = '$argon2id$v=19$m=19456,p=1,t=2$GSLSBZqH0XIIGDhVWX4nyA$zlvEKxeJbzdRi1vnJ+L4HzkaD19BCBo2m3YJFXM7j0U';

const t = useTestServer();

describe('password hashing', () => {
  it('hashes with argon2id at OWASP minimum parameters and a fresh salt each time', async () => {
    const first = await hashPassword('Correct-horse-1');
    const second = await hashPassword('Correct-horse-1');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword(first, 'Correct-horse-1')).toBe(true);
    expect(await verifyPassword(first, 'Correct-horse-2')).toBe(false);
  });

  it('verifies hashes written by another argon2 implementation', async () => {
    expect(await verifyPassword(REFERENCE_HASH, 'pw')).toBe(true);
    expect(await verifyPassword(REFERENCE_HASH, 'pW')).toBe(false);
  });

  it('answers false, not an error, for a missing or malformed hash', async () => {
    expect(await verifyPassword(null, 'anything')).toBe(false);
    expect(await verifyPassword('$argon2id$v=19$broken', 'anything')).toBe(false);
    expect(await verifyPassword('plain-text', 'plain-text')).toBe(false);
  });

  it('stores only the argon2id hash of a password set through the API', async () => {
    const user = await createUser(t);
    const row = await t.server.deps.db.selectFrom('users').select('password_hash').where('id', '=', user.userId).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain('Correct-horse-1');
  });

  it('signs in a user whose stored hash came from another argon2 implementation', async () => {
    const user = await createUser(t);
    await t.server.deps.db.updateTable('users').set({ password_hash: REFERENCE_HASH }).where('id', '=', user.userId).execute();
    const client = authClient(t, await createApp(t));
    expect((await signIn(client, user.username, 'pw')).statusCode).toBe(200);
    expect((await signIn(client, user.username)).statusCode).not.toBe(200);
  });
});
