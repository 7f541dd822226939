import { AuthenticationClient } from 'authing-node-sdk';
import { SignJWT, decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn, uniq } from './helpers/apps.js';
import { attachUser, buildDirectory, ok, type Directory } from './helpers/fixtures.js';
import { SIGNING_ALG, currentSigningKey } from '../src/services/signing-keys.js';

const t = useTestServer();
let app: { appId: string; secret: string };
let dir: Directory;
beforeAll(async () => {
  app = await createApp(t);
  dir = await buildDirectory(t.management, { departments: 2, roles: 2, groups: 2, posts: 0, resources: 3 });
});

/** A user signed in through the SDK's password sign-in, and a client that carries their access token. */
async function signedIn(fields: Record<string, unknown> = {}, password = 'Correct-horse-1') {
  const user = await createUser(t, { password, ...fields });
  const client = authClient(t, app);
  const tokens = ok<{ access_token: string; refresh_token: string }>(await signIn(client, user.username, password), 'signin');
  client.setAccessToken(tokens.access_token);
  return { user, client, tokens };
}

type Envelope = { statusCode: number; apiCode?: number; message: string; data?: unknown };

/** The HTTP status and envelope of a call the server refused with an HTTP error (axios rejects those). */
async function refusal(call: Promise<unknown>): Promise<{ status: number; body: Envelope }> {
  try {
    const answer = await call;
    return { status: 200, body: answer as Envelope };
  } catch (error) {
    const response = (error as { response?: { status: number; data: Envelope } }).response;
    if (!response) throw error;
    return { status: response.status, body: response.data };
  }
}

/** One call of each of the user's own read endpoints, made when asked. */
const everyRead = (c: AuthenticationClient): Array<() => Promise<unknown>> => [
  () => c.getProfile({}),
  () => c.getSecurityLevel(),
  () => c.getRoleList({}),
  () => c.getGroupList(),
  () => c.getDepartmentList({}),
  () => c.getAuthorizedResources({}),
  () => c.getAccessibleApps(),
  () => c.getLoggedInApps(),
  () => c.getLoginHistory({}),
  () => c.getIdentities(),
];

describe("the end user's own endpoints through AuthenticationClient", () => {
  it('get-profile answers the signed-in user, with custom data and department ids on request', async () => {
    const { user, client } = await signedIn({ name: 'Grace', customData: { team: 'compilers' } });
    const profile = await client.getProfile({ withCustomData: true, withDepartmentIds: true });
    expect(profile.statusCode).toBe(200);
    expect(profile.data).toMatchObject({ userId: user.userId, username: user.username, name: 'Grace', customData: { team: 'compilers' }, departmentIds: [] });
    expect(profile.data).not.toHaveProperty('password');
  });

  it('refuses a call without a token, or with a token that is not one of ours, with 401 naming why', async () => {
    const anonymous = authClient(t, app);
    const none = await refusal(anonymous.getProfile({}));
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, apiCode: 2020 });
    expect(none.body.message).toMatch(/authorization: missing/);

    anonymous.setAccessToken('not.a.token');
    const garbage = await refusal(anonymous.getProfile({}));
    expect(garbage.status).toBe(401);
    expect(garbage.body.message).toMatch(/signature does not verify|malformed/);

    // Control: the same client with a real token, sent raw (as the SDK does) or as a Bearer token.
    const { tokens } = await signedIn();
    anonymous.setAccessToken(tokens.access_token);
    expect((await anonymous.getProfile({})).statusCode).toBe(200);
    anonymous.setAccessToken(`Bearer ${tokens.access_token}`);
    expect((await anonymous.getProfile({})).statusCode).toBe(200);
  });

  it('refuses an expired token signed with the real key; a fresh one of the same session works', async () => {
    const { client, tokens } = await signedIn();
    const claims = decodeJwt(tokens.access_token);
    const { kid, key } = await currentSigningKey(t.server.deps, String(claims.user_pool_id));
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await new SignJWT({ scope: claims.scope, sid: claims.sid, user_pool_id: claims.user_pool_id })
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'at+jwt' })
      .setIssuer(String(claims.iss)).setSubject(String(claims.sub)).setAudience(app.appId)
      .setIssuedAt(past).setExpirationTime(past + 3600).sign(key);
    const stale = authClient(t, app, { accessToken: expired });
    const answer = await refusal(stale.getProfile({}));
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/expired/);
    expect((await client.getProfile({})).statusCode).toBe(200);
  });

  it("refuses a token of another user pool, whichever pool's application the client names", async () => {
    const other = await t.newPool();
    const otherApp = ok<{ appId: string }>(await other.management.createApplication({ appName: 'Other', appIdentifier: `other-${uniq()}` } as never), 'create-application');
    const { tokens } = await signedIn();
    const foreign = authClient(t, { appId: otherApp.appId, secret: 'not-needed' }, { accessToken: tokens.access_token });
    const answer = await refusal(foreign.getProfile({}));
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/x-authing-app-id: .* not an application of the access token's user pool/);
    // Control: the same token with an application of its own pool.
    expect((await authClient(t, app, { accessToken: tokens.access_token }).getProfile({})).statusCode).toBe(200);
  });

  it("a resigned person's token gets nothing from any of the endpoints; before the resignation it got everything", async () => {
    const { user, client } = await signedIn();
    for (const call of everyRead(client)) expect(((await call()) as Envelope).statusCode).toBe(200);
    ok(await t.management.resignUser({ userId: user.userId } as never), 'resign-user');
    for (const call of everyRead(client)) {
      const answer = await refusal(call());
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ statusCode: 401, apiCode: 4607 });
      expect(answer.body.message).toMatch(/resigned/);
    }
    expect((await refusal(client.updateProfile({ nickname: 'still here' }))).status).toBe(401);
    expect((await refusal(client.updatePassword({ oldPassword: 'Correct-horse-1', newPassword: 'Another-horse-2' }))).status).toBe(401);
    const stored = ok<{ nickname?: string }>(await t.management.getUser({ userId: user.userId }), 'get-user');
    expect(stored.nickname).toBeUndefined();
  });

  it("a suspended or deleted person's token, and a kicked session's, are refused; other sessions live on", async () => {
    const suspended = await signedIn();
    ok(await t.management.updateUser({ userId: suspended.user.userId, status: 'Suspended' } as never), 'update-user');
    const s = await refusal(suspended.client.getProfile({}));
    expect(s.status).toBe(401);
    expect(s.body).toMatchObject({ apiCode: 2005 });
    expect(s.body.message).toMatch(/Suspended/);

    const deleted = await signedIn();
    ok(await t.management.deleteUsersBatch({ userIds: [deleted.user.userId] }), 'delete-users-batch');
    expect((await refusal(deleted.client.getProfile({}))).status).toBe(401);

    const kicked = await signedIn();
    const otherApp = await createApp(t);
    const elsewhere = authClient(t, otherApp);
    elsewhere.setAccessToken(ok<{ access_token: string }>(await signIn(elsewhere, kicked.user.username), 'signin').access_token);
    ok(await t.management.kickUsers({ userId: kicked.user.userId, appIds: [app.appId] }), 'kick-users');
    const k = await refusal(kicked.client.getProfile({}));
    expect(k.status).toBe(401);
    expect(k.body.message).toMatch(/session .* was ended/);
    expect((await elsewhere.getProfile({})).statusCode).toBe(200);
  });
});

describe("the user's relations", () => {
  it('lists the roles, groups, departments, resource grants and applications the management API gives the user', async () => {
    const { user, client } = await signedIn();
    await attachUser(t.management, dir, user.userId);

    const roles = await client.getRoleList({});
    expect(roles.data.map((r) => r.code).sort()).toEqual([...dir.roleCodes].sort());
    const groups = await client.getGroupList();
    expect(groups.data.map((g) => g.code).sort()).toEqual([...dir.groupCodes].sort());
    const departments = await client.getDepartmentList({ sortBy: 'DepartmentName', orderBy: 'Asc' });
    expect(departments.data.totalCount).toBe(2);
    expect(departments.data.list.map((d) => d.departmentId)).toEqual(dir.departmentIds);
    const resources = await client.getAuthorizedResources({});
    expect(resources.data.list.map((r) => r.resourceCode).sort()).toEqual([...dir.resourceCodes].sort());
    expect((await client.getAuthorizedResources({ resourceType: 'API' })).data.list).toEqual([]);

    const accessible = (await client.getAccessibleApps()).data.map((a) => a.appId);
    expect(accessible).toEqual(expect.arrayContaining([app.appId, dir.appId]));
    expect((await client.getLoggedInApps()).data).toEqual([expect.objectContaining({ appId: app.appId, active: true })]);

    // The same answers the management API gives for the user.
    const managed = ok<Array<{ appId: string }>>(await t.management.getUserAccessibleApps({ userId: user.userId }), 'get-user-accessible-apps');
    expect(accessible.sort()).toEqual(managed.map((a) => a.appId).sort());
  });

  it('another namespace holds none of the roles, and a user without relations has empty lists', async () => {
    const { client } = await signedIn();
    expect((await client.getRoleList({ namespace: 'default' })).data).toEqual([]);
    expect((await client.getGroupList()).data).toEqual([]);
    expect((await client.getDepartmentList({})).data).toEqual({ list: [], totalCount: 0 });
  });

  it('get-my-login-history answers the sign-ins, failed ones too, filtered by success', async () => {
    const { user, client } = await signedIn();
    const failed = await signIn(authClient(t, app), user.username, 'Wrong-horse-9');
    expect(failed.statusCode).toBe(400);
    const all = await client.getLoginHistory({});
    expect(all.data.totalCount).toBe(2);
    expect(all.data.list[0]).toMatchObject({ userId: user.userId, appId: app.appId, success: false, errorMessage: 'wrong password' });
    const good = await client.getLoginHistory({ success: true });
    expect(good.data.list).toEqual([expect.objectContaining({ success: true, loginMethod: 'PASSWORD' })]);
    const bad = await refusal(client.getLoginHistory({ limit: 51 }));
    expect(bad.body).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect(bad.body.message).toMatch(/limit/);
  });

  it('get-security-info scores the password strength and the bound email and phone', async () => {
    const strong = await signedIn({}, 'Correct-horse-battery-1');
    expect((await strong.client.getSecurityLevel()).data).toEqual({
      passwordSecurityLevel: 3, mfaEnrolled: false, passwordSet: true, emailBinded: true, phoneBinded: true, securityScore: 80,
    });
    const weak = await signedIn({ email: undefined, phone: undefined }, 'abcdefgh');
    expect((await weak.client.getSecurityLevel()).data).toMatchObject({ passwordSecurityLevel: 1, emailBinded: false, phoneBinded: false, securityScore: 20 });
  });
});

describe('update-profile', () => {
  it("changes the user's own profile and custom data, audited with the user as actor", async () => {
    const { user, client } = await signedIn({ customData: { team: 'a' } });
    const answer = await client.updateProfile({ nickname: 'Amazing', city: 'Arlington', customData: { floor: 3 } });
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toMatchObject({ userId: user.userId, nickname: 'Amazing', city: 'Arlington', customData: { team: 'a', floor: 3 } });
    const stored = ok<{ nickname: string }>(await t.management.getUser({ userId: user.userId }), 'get-user');
    expect(stored.nickname).toBe('Amazing');
    const logs = ok<{ list: Array<Record<string, unknown>> }>(await t.management.getAdminAuditLogs({ requestId: answer.requestId } as never), 'audit');
    expect(logs.list).toEqual([expect.objectContaining({ adminUserId: user.userId, action: 'update-profile', targetIds: [user.userId], success: true })]);
  });

  it('refuses fields an end user may not change, and a taken username, changing nothing', async () => {
    const { user, client } = await signedIn({ nickname: 'Before' });
    const email = await client.updateProfile({ nickname: 'After', email: 'new@example.com' } as never);
    expect(email).toMatchObject({ statusCode: 403 });
    expect(email.message).toMatch(/^email: /);
    const external = await client.updateProfile({ nickname: 'After', externalId: 'x-1' });
    expect(external.message).toMatch(/^externalId: /);
    const other = await createUser(t);
    const taken = await client.updateProfile({ nickname: 'After', username: other.username });
    expect(taken).toMatchObject({ statusCode: 409, apiCode: 2034 });
    expect(taken.message).toMatch(/username/);
    const badGender = await client.updateProfile({ nickname: 'After', gender: 'X' } as never);
    expect(badGender).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect(badGender.message).toMatch(/gender/);
    const stored = ok<{ nickname: string; username: string }>(await t.management.getUser({ userId: user.userId }), 'get-user');
    expect(stored).toMatchObject({ nickname: 'Before', username: user.username });
    // Control: the same change without the refused fields.
    expect((await client.updateProfile({ nickname: 'After' })).data).toMatchObject({ nickname: 'After' });
  });
});

describe('update-password', () => {
  it('refuses a wrong or missing old password and keeps the old one working', async () => {
    const { user, client } = await signedIn();
    const wrong = await client.updatePassword({ oldPassword: 'Wrong-horse-9', newPassword: 'Another-horse-2' });
    expect(wrong).toMatchObject({ statusCode: 400, apiCode: 2006 });
    expect(wrong.message).toMatch(/^oldPassword: /);
    const missing = await client.updatePassword({ newPassword: 'Another-horse-2' });
    expect(missing.message).toMatch(/^oldPassword: is required/);
    expect((await signIn(authClient(t, app), user.username, 'Correct-horse-1')).statusCode).toBe(200);
    expect((await signIn(authClient(t, app), user.username, 'Another-horse-2')).statusCode).toBe(400);
  });

  it('changes the password with the right old one, ends the other sessions and keeps this one', async () => {
    const { user, client } = await signedIn();
    const other = authClient(t, app);
    const otherTokens = ok<{ access_token: string; refresh_token: string }>(await signIn(other, user.username), 'signin');
    other.setAccessToken(otherTokens.access_token);

    const answer = await client.updatePassword({ oldPassword: 'Correct-horse-1', newPassword: 'Another1' });
    expect(answer.statusCode).toBe(200);
    expect((await signIn(authClient(t, app), user.username, 'Correct-horse-1')).statusCode).toBe(400);
    expect((await signIn(authClient(t, app), user.username, 'Another1')).statusCode).toBe(200);

    expect((await client.getProfile({})).statusCode).toBe(200);
    expect((await refusal(other.getProfile({}))).status).toBe(401);
    expect(await other.introspectToken(otherTokens.access_token)).toEqual({ active: false });
    expect((await refusal(other.getNewAccessTokenByRefreshToken(otherTokens.refresh_token))).status).toBe(400);

    const logs = ok<{ list: Array<Record<string, unknown>> }>(await t.management.getAdminAuditLogs({ requestId: answer.requestId } as never), 'audit');
    expect(logs.list).toEqual([expect.objectContaining({ adminUserId: user.userId, action: 'update-password', detail: { otherSessionsEnded: 1 } })]);
    expect((await client.getSecurityLevel()).data.passwordSecurityLevel).toBe(2);
  });

  it('two changes racing from the same old password: one wins, the other is refused and changes nothing', async () => {
    const { user, client } = await signedIn();
    const [a, b] = await Promise.all([
      client.updatePassword({ oldPassword: 'Correct-horse-1', newPassword: 'Winner-one-1' }),
      client.updatePassword({ oldPassword: 'Correct-horse-1', newPassword: 'Winner-two-2' }),
    ]);
    // The loser either checked its old password before the winner committed (409) or after (wrong old password).
    const [won, lost] = a.statusCode === 200 ? [a, b] : [b, a];
    expect(won.statusCode).toBe(200);
    expect([409, 2006]).toContain(lost.statusCode === 409 ? 409 : lost.apiCode);
    const winner = a.statusCode === 200 ? 'Winner-one-1' : 'Winner-two-2';
    const loser = a.statusCode === 200 ? 'Winner-two-2' : 'Winner-one-1';
    expect((await signIn(authClient(t, app), user.username, winner)).statusCode).toBe(200);
    expect((await signIn(authClient(t, app), user.username, loser)).statusCode).toBe(400);
  });
});
