import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, httpStatusOf, signIn } from './helpers/apps.js';
import { startServerProcess } from './helpers/process.js';
import { ok } from './helpers/fixtures.js';

const t = useTestServer();
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

type Tokens = { access_token: string; refresh_token: string };

async function signedInUser() {
  const user = await createUser(t);
  const client = authClient(t, app);
  const answer = await signIn(client, user.username);
  expect(answer.statusCode).toBe(200);
  const tokens = answer.data as Tokens;
  expect(await client.introspectToken(tokens.access_token)).toMatchObject({ active: true });
  return { user, client, tokens };
}

/** Everything a signed-in client still holds is dead, and signing in again is refused. */
async function expectLockedOut(s: Awaited<ReturnType<typeof signedInUser>>) {
  expect(await s.client.introspectToken(s.tokens.access_token)).toEqual({ active: false });
  expect(await s.client.introspectToken(s.tokens.refresh_token)).toEqual({ active: false });
  expect(await httpStatusOf(s.client.getUserInfoByAccessToken(s.tokens.access_token, { method: 'GET', tokenPlace: 'header' }))).toBe(401);
  expect(await httpStatusOf(s.client.getNewAccessTokenByRefreshToken(s.tokens.refresh_token))).toBe(400);
  const again = await signIn(s.client, s.user.username).catch((e) => e.response?.data);
  expect(again.statusCode).not.toBe(200);
  expect(again.message).toMatch(/resigned/i);
}

describe('resignation locks the account out at once', () => {
  it('after resign-user', async () => {
    const s = await signedInUser();
    ok(await t.management.resignUser({ userId: s.user.userId }), 'resign-user');
    await expectLockedOut(s);
  });

  it('after resign-user-batch, for every user of the batch', async () => {
    const a = await signedInUser();
    const b = await signedInUser();
    ok(await t.management.resignUserBatch({ userIds: [a.user.email, b.user.email], userIdType: 'email' } as never), 'resign-user-batch');
    await expectLockedOut(a);
    await expectLockedOut(b);
  });

  it('after resign-public-account-batch', async () => {
    const account = ok<{ userId: string; username: string }>(
      await t.management.createPublicAccount({ username: `desk_${Date.now()}`, password: 'Correct-horse-1' } as never), 'create-public-account');
    const client = authClient(t, app);
    const answer = await signIn(client, account.username);
    expect(answer.statusCode).toBe(200);
    ok(await t.management.resignPublicAccountBatch({ userIds: [account.userId] }), 'resign-public-account-batch');
    await expectLockedOut({ user: { ...account, email: '', phone: '' }, client, tokens: answer.data as Tokens });
  });

  it('on every server process: signed in on one, resigned on the other, dead on both', async () => {
    const other = await startServerProcess({
      DATABASE_URL: t.database.url,
      USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64'),
      USERPOOL_ACCESS_KEY_ID: t.keyId,
      USERPOOL_ACCESS_KEY_SECRET: t.secret,
    });
    try {
      const user = await createUser(t);
      const here = authClient(t, app);
      const there = authClient({ ...t, url: other.url }, app);
      const tokens = (await signIn(there, user.username)).data as Tokens;
      expect(await here.introspectToken(tokens.access_token)).toMatchObject({ active: true });

      ok(await t.client(t.keyId, t.secret).resignUser({ userId: user.userId }), 'resign-user');
      for (const client of [here, there]) {
        expect(await client.introspectToken(tokens.access_token)).toEqual({ active: false });
        expect(await httpStatusOf(client.getUserInfoByAccessToken(tokens.access_token, { method: 'GET', tokenPlace: 'header' }))).toBe(401);
        expect(await httpStatusOf(client.getNewAccessTokenByRefreshToken(tokens.refresh_token))).toBe(400);
      }
    } finally {
      await other.stop();
    }
  });
});
