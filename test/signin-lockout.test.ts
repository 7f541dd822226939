import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';
import { runCli } from './helpers/cli.js';
import { postFrom } from './helpers/from-address.js';
import { ApiCode } from '../src/errors.js';

// Three wrong passwords lock one address out of an account; seven from all addresses lock the account.
const PER_ADDRESS = 3;
const PER_ACCOUNT = 7;

const t = useTestServer({ SIGNIN_MAX_FAILURES: String(PER_ADDRESS), SIGNIN_MAX_ACCOUNT_FAILURES: String(PER_ACCOUNT), SIGNIN_LOCK_SECONDS: '600' });
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

type Answer = { statusCode: number; apiCode?: number; message?: string };

/**
 * A password sign-in from a given client address: the application is confidential (it sends its
 * secret), so its `options.clientIp` is believed, as for a back end signing people in.
 */
async function signInFrom(address: string, account: string, password: string): Promise<Answer> {
  const answer = (await authClient(t, app)
    .signInByAccountPassword({ account, password, options: { clientIp: address } } as never)
    .catch((error: { response?: { data: Answer } }) => error.response?.data)) as Answer;
  return { statusCode: answer.statusCode, apiCode: answer.apiCode, message: answer.message };
}

const RIGHT = 'Correct-horse-1';

describe('wrong passwords', () => {
  it('answer a known account exactly as an unknown one, before, at and after the lock-out', async () => {
    const user = await createUser(t);
    const nobody = `nobody_${uniq()}@example.com`;
    for (let attempt = 1; attempt <= PER_ADDRESS + 2; attempt += 1) {
      const known = await signInFrom('198.51.100.1', user.email, `wrong-${attempt}`);
      const unknown = await signInFrom('198.51.100.1', nobody, `wrong-${attempt}`);
      expect({ attempt, known }).toEqual({ attempt, known: unknown });
      expect(known).toMatchObject({ statusCode: 400, apiCode: ApiCode.WRONG_CREDENTIALS });
    }
    // The lock is real: the right password from that address is refused as locked.
    expect(await signInFrom('198.51.100.1', user.email, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
  });
});

describe('lock-out by account and client address', () => {
  it('locks out only the address that guessed; the owner signs in from another address', async () => {
    const user = await createUser(t);
    for (let i = 0; i < PER_ADDRESS; i += 1) await signInFrom('203.0.113.7', user.username, `guess-${i}`);
    const there = await signInFrom('203.0.113.7', user.username, RIGHT);
    expect(there).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    expect(there.message).toMatch(/locked until/);
    // Control: the same right password from the owner's own address.
    expect((await signInFrom('192.0.2.10', user.username, RIGHT)).statusCode).toBe(200);
  });

  it('locks the whole account once guesses from every address together reach the account ceiling', async () => {
    const user = await createUser(t);
    // Each address stays below its own ceiling; together they reach the account's.
    for (let i = 0; i < PER_ACCOUNT; i += 1) await signInFrom(`203.0.113.${100 + i}`, user.username, `guess-${i}`);
    expect(await signInFrom('192.0.2.20', user.username, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    // Control: one guess fewer than the ceiling leaves another account open to its owner.
    const other = await createUser(t);
    for (let i = 0; i < PER_ACCOUNT - 1; i += 1) await signInFrom(`203.0.113.${150 + i}`, other.username, `guess-${i}`);
    expect((await signInFrom('192.0.2.20', other.username, RIGHT)).statusCode).toBe(200);
  });
});

describe('a wrong old password at update-password counts as a wrong password at sign-in', () => {
  /** An access token of the user, as a stolen one would be. */
  async function tokenOf(username: string): Promise<string> {
    const answer = await authClient(t, app).signInByAccountPassword({ account: username, password: RIGHT, options: { clientIp: '192.0.2.50' } } as never);
    return ok<{ access_token: string }>(answer, 'signin').access_token;
  }
  /** update-password with that token, from a client address of the test's choosing. */
  async function changeFrom(address: string, token: string, oldPassword: string): Promise<Answer> {
    const answer = await postFrom<Answer>(`${t.url}/api/v3/update-password`, { oldPassword, newPassword: 'Changed-horse-3' }, address, { authorization: token });
    return { statusCode: answer.body.statusCode, apiCode: answer.body.apiCode, message: answer.body.message };
  }

  it('locks out only the address that guessed, at sign-in as well; the owner signs in and changes the password from another address', async () => {
    const user = await createUser(t);
    const token = await tokenOf(user.username);
    for (let i = 1; i < PER_ADDRESS; i += 1) {
      expect(await changeFrom('127.0.0.21', token, `guess-${i}`)).toMatchObject({ statusCode: 400, apiCode: ApiCode.WRONG_PASSWORD });
    }
    const locking = await changeFrom('127.0.0.21', token, 'guess-last');
    expect(locking).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    expect(locking.message).toMatch(/locked until/);
    // The right old password from that address is refused too, and so is signing in from it.
    expect(await changeFrom('127.0.0.21', token, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    expect(await signInFrom('127.0.0.21', user.username, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    // Control: from the owner's own address the account is open.
    expect((await signInFrom('192.0.2.51', user.username, RIGHT)).statusCode).toBe(200);
    expect((await changeFrom('127.0.0.22', token, RIGHT)).statusCode).toBe(200);
  });

  it('locks the whole account once guesses here and at sign-in, from every address together, reach the account ceiling', async () => {
    const guessAt = async (username: string, token: string, count: number) => {
      // Alternately at update-password and at sign-in, each address staying below its own ceiling.
      for (let i = 0; i < count; i += 1) {
        if (i % 2 === 0) await changeFrom(`127.0.0.${30 + (i % 4)}`, token, `guess-${i}`);
        else await signInFrom(`203.0.113.${40 + (i % 4)}`, username, `guess-${i}`);
      }
    };
    const user = await createUser(t);
    const token = await tokenOf(user.username);
    await guessAt(user.username, token, PER_ACCOUNT);
    expect(await signInFrom('192.0.2.52', user.username, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    expect(await changeFrom('127.0.0.39', token, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    // Control: one guess fewer than the ceiling leaves another account open to its owner.
    const other = await createUser(t);
    await guessAt(other.username, await tokenOf(other.username), PER_ACCOUNT - 1);
    expect((await signInFrom('192.0.2.52', other.username, RIGHT)).statusCode).toBe(200);
  });
});

describe('an administrator lifts a lock-out', () => {
  async function lockedUser() {
    const user = await createUser(t);
    for (let i = 0; i < PER_ACCOUNT; i += 1) await signInFrom(`203.0.113.${200 + (i % 4)}`, user.username, `guess-${i}`);
    expect(await signInFrom('192.0.2.30', user.username, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    return user;
  }

  it('by setting a new password with update-user', async () => {
    const user = await lockedUser();
    ok(await t.management.updateUser({ userId: user.userId, nickname: 'not a password' } as never), 'update-user');
    expect(await signInFrom('192.0.2.30', user.username, RIGHT)).toMatchObject({ statusCode: 403, apiCode: ApiCode.USER_LOCKED });
    ok(await t.management.updateUser({ userId: user.userId, password: 'New-horse-2' } as never), 'update-user');
    expect((await signInFrom('192.0.2.30', user.username, 'New-horse-2')).statusCode).toBe(200);
    expect((await signInFrom('203.0.113.200', user.username, 'New-horse-2')).statusCode).toBe(200);
  });

  it('with unlock-user, which says whether a lock was in force', async () => {
    const user = await lockedUser();
    const unlocked = await t.management.makeRequest({ method: 'POST', url: '/api/v3/unlock-user', data: { userId: user.email, userIdType: 'email' } } as never) as Answer & { data: unknown };
    expect(unlocked).toMatchObject({ statusCode: 200, data: { success: true, wasLocked: true } });
    expect((await signInFrom('203.0.113.200', user.username, RIGHT)).statusCode).toBe(200);
    const again = await t.management.makeRequest({ method: 'POST', url: '/api/v3/unlock-user', data: { userId: user.userId } } as never) as Answer & { data: unknown };
    expect(again).toMatchObject({ statusCode: 200, data: { success: true, wasLocked: false } });
    const unknown = await t.management.makeRequest({ method: 'POST', url: '/api/v3/unlock-user', data: { userId: '0123456789abcdef01234567' } } as never) as Answer;
    expect(unknown.statusCode).toBe(404);
  });

  it('with the CLI: userpool unlock <email>', async () => {
    const user = await lockedUser();
    const env = { DATABASE_URL: t.database.url, USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64'), LOG_LEVEL: 'silent' };
    const result = await runCli(['unlock', user.email], env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^unlocked /);
    expect((await signInFrom('192.0.2.30', user.username, RIGHT)).statusCode).toBe(200);
    const unknown = await runCli(['unlock', `nobody_${uniq()}@example.com`], env);
    expect(unknown.code).toBe(1);
  });
});
