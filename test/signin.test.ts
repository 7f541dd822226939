import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, httpStatusOf, signIn, uniq } from './helpers/apps.js';

const t = useTestServer({ SIGNIN_MAX_FAILURES: '3', SIGNIN_LOCK_SECONDS: '600' });
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

describe('password sign-in through the official AuthenticationClient', () => {
  it('signs in by username, email, phone and account and answers signed access, id and refresh tokens', async () => {
    const user = await createUser(t, { name: 'Ada' });
    const client = authClient(t, app);
    const byUsername = await signIn(client, user.username);
    expect(byUsername.statusCode).toBe(200);
    expect(byUsername.data.token_type).toBe('Bearer');
    expect(byUsername.data.expire_in).toBe(3600);
    expect(byUsername.data.refresh_token).toBeTruthy();
    const access = await client.parseAccessToken(byUsername.data.access_token!);
    expect(access.sub).toBe(user.userId);
    expect(access.aud).toBe(app.appId);
    const id = await client.parseIDToken(byUsername.data.id_token!);
    expect(id).toMatchObject({ sub: user.userId, name: 'Ada', email: user.email });

    expect((await client.signInByEmailPassword({ email: user.email.toUpperCase(), password: 'Correct-horse-1' })).statusCode).toBe(200);
    expect((await client.signInByPhonePassword({ phone: user.phone, password: 'Correct-horse-1' })).statusCode).toBe(200);
    expect((await client.signInByAccountPassword({ account: user.email, password: 'Correct-horse-1' })).statusCode).toBe(200);
  });

  it('gives no refresh token without the offline_access scope', async () => {
    const user = await createUser(t);
    const answer = await authClient(t, app).signInByUsernamePassword({ username: user.username, password: 'Correct-horse-1', options: { scope: 'openid profile' } } as never);
    expect(answer.statusCode).toBe(200);
    expect(answer.data.refresh_token).toBeUndefined();
  });

  it('authenticates the application by client_secret_basic as well as client_secret_post', async () => {
    const user = await createUser(t);
    const basic = authClient(t, app, { tokenEndPointAuthMethod: 'client_secret_basic' });
    expect((await signIn(basic, user.username)).statusCode).toBe(200);
  });

  it('signs in without a secret only for applications whose token endpoint auth method is none', async () => {
    const user = await createUser(t);
    const publicApp = await createApp(t, { appType: 'spa', oidcConfig: { token_endpoint_auth_method: 'none' } });
    const noSecret = (appId: string) => authClient(t, { appId, secret: '' }, { tokenEndPointAuthMethod: 'none', appSecret: undefined });
    expect((await signIn(noSecret(publicApp.appId), user.username)).statusCode).toBe(200);
    expect(await httpStatusOf(signIn(noSecret(app.appId), user.username))).toBe(401);
  });

  it('refuses a wrong application secret with HTTP 401', async () => {
    const user = await createUser(t);
    expect(await httpStatusOf(signIn(authClient(t, { appId: app.appId, secret: 'wrong-secret' }), user.username))).toBe(401);
    expect(await httpStatusOf(signIn(authClient(t, { appId: app.appId, secret: 'wrong-secret' }, { tokenEndPointAuthMethod: 'client_secret_basic' }), user.username))).toBe(401);
  });

  it('answers a wrong password and an unknown account alike, with apiCode 2333', async () => {
    const user = await createUser(t);
    const client = authClient(t, app);
    const wrong = await signIn(client, user.username, 'not-the-password');
    expect(wrong).toMatchObject({ statusCode: 400, apiCode: 2333 });
    const unknown = await signIn(client, `nobody_${uniq()}`);
    expect(unknown).toMatchObject({ statusCode: 400, apiCode: 2333, message: wrong.message });
  });

  it('refuses Suspended, Deactivated and Archived users with apiCode 2005 once the password is right', async () => {
    for (const status of ['Suspended', 'Deactivated', 'Archived']) {
      const user = await createUser(t);
      expect((await t.management.updateUser({ userId: user.userId, status } as never)).statusCode).toBe(200);
      const answer = await signIn(authClient(t, app), user.username);
      expect(answer).toMatchObject({ statusCode: 403, apiCode: 2005 });
      expect(answer.message).toContain(status);
    }
  });

  it('locks an account after SIGNIN_MAX_FAILURES wrong passwords, answering the locking guess as any wrong one', async () => {
    const user = await createUser(t);
    const client = authClient(t, app);
    expect((await signIn(client, user.username, 'bad-1')).apiCode).toBe(2333);
    expect((await signIn(client, user.username, 'bad-2')).apiCode).toBe(2333);
    const third = await signIn(client, user.username, 'bad-3');
    expect(third).toMatchObject({ statusCode: 400, apiCode: 2333 });
    // Locked now: a wrong password still reads as a wrong password, the right one as locked.
    expect((await signIn(client, user.username, 'bad-4')).apiCode).toBe(2333);
    const right = await signIn(client, user.username);
    expect(right).toMatchObject({ statusCode: 403, apiCode: 2005 });
    expect(right.message).toMatch(/locked until/);
  });

  it('resets the failure count after a successful sign-in', async () => {
    const user = await createUser(t);
    const client = authClient(t, app);
    await signIn(client, user.username, 'bad-1');
    await signIn(client, user.username, 'bad-2');
    expect((await signIn(client, user.username)).statusCode).toBe(200);
    expect((await signIn(client, user.username, 'bad-3')).apiCode).toBe(2333);
    expect((await signIn(client, user.username)).statusCode).toBe(200);
  });

  it('records successes and failures in get-user-login-history', async () => {
    const user = await createUser(t);
    const client = authClient(t, app);
    await signIn(client, user.username, 'wrong');
    await client.signInByUsernamePassword({ username: user.username, password: 'Correct-horse-1', options: { clientIp: '10.1.2.3' } } as never);
    const history = await t.management.getUserLoginHistory({ userId: user.userId });
    expect(history.statusCode).toBe(200);
    expect(history.data.totalCount).toBe(2);
    const [latest, earlier] = history.data.list as Array<Record<string, unknown>>;
    expect(latest).toMatchObject({ appId: app.appId, clientIp: '10.1.2.3', success: true });
    expect(earlier).toMatchObject({ appId: app.appId, success: false, failureReason: 'wrong password' });
    const filtered = await t.management.getUserLoginHistory({ userId: user.userId, clientIp: '10.1.2.3' });
    expect(filtered.data.totalCount).toBe(1);
  });

  it('refuses connections other than PASSWORD with a clear message', async () => {
    const answer = await authClient(t, app).signInByCredentials({ connection: 'PASSCODE', passCodePayload: { email: 'a@b.c', passCode: '1234' }, client_id: app.appId, client_secret: app.secret } as never);
    expect(answer).toMatchObject({ statusCode: 400, apiCode: 4621 });
    expect(answer.message).toContain('connection');
  });
});
