import { AuthenticationClient } from 'authing-node-sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer, type TestServer } from './helpers/server.js';
import { createApp, createUser, uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';

const t = useTestServer();
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

/** A front-end's client: the application id only, no secret and no token. */
/** An application's front end; another pool's calls at that pool's own address. */
const frontEnd = (appId: string, poolId?: string) =>
  new AuthenticationClient({ appId, appHost: poolId ? `${t.url}/pools/${poolId}` : t.url, tokenEndPointAuthMethod: 'none', timeout: 30000 } as never);

const setRegistration = async (management: TestServer['management'], on: boolean) =>
  ok<{ registerDisabled: boolean }>(await management.updateSecuritySettings({ registerDisabled: !on } as never), 'update-security-settings');

const exists = async (fields: Record<string, string>) =>
  ok<{ exists: boolean }>(await t.management.isUserExists(fields as never), 'is-user-exists').exists;

describe('signup (password self-registration)', () => {
  it('is off by default: refused with 403 and nothing created; the operator turns it on per pool and the same call works', async () => {
    expect(ok(await t.management.getSecuritySettings(), 'get-security-settings')).toEqual({ registerDisabled: true });
    const email = `new_${uniq()}@example.com`;
    const refused = await frontEnd(app.appId).signUpByEmailPassword({ email, password: 'Correct-horse-1' });
    expect(refused).toMatchObject({ statusCode: 403, apiCode: 4660 });
    expect(refused.message).toMatch(/self-registration is turned off/);
    expect(await exists({ email })).toBe(false);

    expect(await setRegistration(t.management, true)).toEqual({ registerDisabled: false });
    const answer = await frontEnd(app.appId).signUpByEmailPassword({ email, password: 'Correct-horse-1', profile: { nickname: 'Newcomer' } as never });
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toMatchObject({ email, nickname: 'Newcomer', status: 'Activated', userSourceType: 'register' });
    expect(answer.data).not.toHaveProperty('password');

    // The new person signs in like anyone else, and their registration is audited with them as actor.
    const signedIn = await new AuthenticationClient({ appId: app.appId, appSecret: app.secret, appHost: t.url, timeout: 30000 } as never)
      .signInByEmailPassword({ email, password: 'Correct-horse-1' });
    expect(signedIn.statusCode).toBe(200);
    const logs = ok<{ list: Array<Record<string, unknown>> }>(await t.management.getAdminAuditLogs({ requestId: answer.requestId } as never), 'audit');
    expect(logs.list).toEqual([expect.objectContaining({ adminUserId: answer.data.userId, action: 'signup', targetIds: [answer.data.userId] })]);
  });

  it('stays off in another pool while it is on in this one', async () => {
    await setRegistration(t.management, true);
    const other = await t.newPool();
    const otherApp = ok<{ appId: string }>(await other.management.createApplication({ appName: 'Other', appIdentifier: `o-${uniq()}` } as never), 'create-application');
    const username = `u_${uniq()}`;
    const refused = await frontEnd(otherApp.appId, other.poolId).signUpByUsernamePassword({ username, password: 'Correct-horse-1' });
    expect(refused).toMatchObject({ statusCode: 403, apiCode: 4660 });
    expect(ok(await other.management.getSecuritySettings(), 'get-security-settings')).toEqual({ registerDisabled: true });
    // Control: the same registration through this pool's application.
    expect((await frontEnd(app.appId).signUpByUsernamePassword({ username, password: 'Correct-horse-1' })).statusCode).toBe(200);
  });

  it('refuses a taken username or email, a bad email, and verification-code sign-up, changing nothing', async () => {
    await setRegistration(t.management, true);
    const holder = await createUser(t);
    const client = frontEnd(app.appId);
    const taken = await client.signUpByUsernamePassword({ username: holder.username, password: 'Correct-horse-1' });
    expect(taken).toMatchObject({ statusCode: 409, apiCode: 2034 });
    const takenEmail = await client.signUpByEmailPassword({ email: holder.email.toUpperCase(), password: 'Correct-horse-1' });
    expect(takenEmail.statusCode).toBe(409);
    expect(takenEmail.message).toMatch(/email/);

    const badEmail = await client.signUpByEmailPassword({ email: 'not-an-email', password: 'Correct-horse-1' });
    expect(badEmail).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect(badEmail.message).toMatch(/passwordPayload\.email/);
    const username = `u_${uniq()}`;
    const mismatch = await client.signUp({
      connection: 'PASSWORD', passwordPayload: { username, email: 'b@example.com', password: 'Correct-horse-1' }, profile: { email: 'c@example.com' },
    } as never);
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.message).toMatch(/profile\.email/);
    expect(await exists({ username })).toBe(false);

    const passcode = await client.signUpByEmailCode({ email: `p_${uniq()}@example.com`, passCode: '123456' });
    expect(passcode).toMatchObject({ statusCode: 400, apiCode: 4661 });
    expect(passcode.message).toMatch(/^connection: /);
    const noAccount = await client.signUp({ connection: 'PASSWORD', passwordPayload: { password: 'Correct-horse-1' } } as never);
    expect(noAccount.message).toMatch(/^passwordPayload: /);
  });

  it('refuses an unknown application, and turning it off again refuses once more', async () => {
    await setRegistration(t.management, true);
    const unknown = await frontEnd('000000000000000000000000').signUpByUsernamePassword({ username: `u_${uniq()}`, password: 'Correct-horse-1' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toMatch(/^x-authing-app-id: /);
    await setRegistration(t.management, false);
    const username = `u_${uniq()}`;
    expect((await frontEnd(app.appId).signUpByUsernamePassword({ username, password: 'Correct-horse-1' })).statusCode).toBe(403);
    expect(await exists({ username })).toBe(false);
  });
});

describe('update-security-settings', () => {
  it('refuses settings this server does not keep by name and changes nothing; the same call with registerDisabled alone works', async () => {
    await setRegistration(t.management, false);
    const refused = await t.management.updateSecuritySettings({ registerDisabled: false, verifyCodeLength: 6 } as never);
    expect(refused).toMatchObject({ statusCode: 400 });
    expect(refused.message).toMatch(/^verifyCodeLength: /);
    expect(ok(await t.management.getSecuritySettings(), 'get')).toEqual({ registerDisabled: true });
    const bad = await t.management.updateSecuritySettings({ registerDisabled: 'yes please' } as never);
    expect(bad).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect(bad.message).toMatch(/registerDisabled/);
    expect(await setRegistration(t.management, true)).toEqual({ registerDisabled: false });
  });
});
