import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, httpStatusOf, signIn, uniq } from './helpers/apps.js';

const t = useTestServer();

describe('applications through the official ManagementClient', () => {
  it('creates an application and answers the ApplicationDto with defaults', async () => {
    const identifier = `crm-${uniq()}`;
    const created = await t.management.createApplication({
      appName: 'CRM', appIdentifier: identifier, appType: 'web', redirectUris: ['https://crm.example.com/callback'],
    } as never);
    expect(created.statusCode).toBe(200);
    expect(created.data).toMatchObject({
      appName: 'CRM', appIdentifier: identifier, appType: 'web', defaultProtocol: 'oidc', isIntegrateApp: false, ssoEnabled: false,
      redirectUris: ['https://crm.example.com/callback'], logoutRedirectUris: [],
    });
    expect(created.data.appId).toMatch(/^[0-9a-f]{24}$/);
    expect(created.data.oidcConfig).toMatchObject({ access_token_expire: 3600, id_token_expire: 3600, refresh_token_expire: 2592000 });
    expect(JSON.stringify(created)).not.toMatch(/"secret"|secret_enc|appSecret/);
    const got = await t.management.getApplication({ appId: created.data.appId });
    expect(got.data).toEqual(created.data);
  });

  it('requires appIdentifier for a self-built application and keeps it unique in the pool', async () => {
    const missing = await t.management.createApplication({ appName: 'No id' } as never);
    expect(missing.statusCode).toBe(400);
    expect(missing.message).toContain('appIdentifier');
    const identifier = `dup-${uniq()}`;
    expect((await t.management.createApplication({ appName: 'A', appIdentifier: identifier } as never)).statusCode).toBe(200);
    const again = await t.management.createApplication({ appName: 'B', appIdentifier: identifier } as never);
    expect(again.statusCode).toBe(409);
    expect(again.message).toContain(identifier);
  });

  it('lists applications with paging and keywords', async () => {
    const tag = uniq();
    for (let i = 0; i < 3; i++) await createApp(t, { appName: `Listed ${tag} ${i}` });
    const page = await t.management.listApplications({ keywords: tag, page: 1, limit: 2 });
    expect(page.statusCode).toBe(200);
    expect(page.data.totalCount).toBe(3);
    expect(page.data.list).toHaveLength(2);
    const rest = await t.management.listApplications({ keywords: tag, page: 2, limit: 2 });
    expect(rest.data.list).toHaveLength(1);
  });

  it('updates an application, merging oidcConfig; token lifetimes take effect at sign-in', async () => {
    const app = await createApp(t);
    const updated = await t.management.updateApplication({
      appId: app.appId, appName: 'Renamed', ssoEnabled: true, oidcConfig: { access_token_expire: 600 },
    } as never);
    expect(updated.statusCode).toBe(200);
    const got = await t.management.getApplication({ appId: app.appId });
    expect(got.data).toMatchObject({ appName: 'Renamed', ssoEnabled: true });
    expect(got.data.ssoEnabledAt).toBeTruthy();
    expect(got.data.oidcConfig).toMatchObject({ access_token_expire: 600, id_token_expire: 3600 });
    const user = await createUser(t);
    const answer = await signIn(authClient(t, app), user.username);
    expect(answer.data.expire_in).toBe(600);
  });

  it('refuses token lifetimes out of range, naming the field', async () => {
    const app = await createApp(t);
    const answer = await t.management.updateApplication({ appId: app.appId, oidcConfig: { access_token_expire: 5 } } as never);
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toContain('access_token_expire');
  });

  it('refreshes the secret: the old one stops working for sign-in at once', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    const refreshed = await t.management.refreshApplicationSecret({ appId: app.appId });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.data.secret).not.toBe(app.secret);
    expect((await t.management.getApplicationSecret({ appId: app.appId })).data.secret).toBe(refreshed.data.secret);
    expect(await httpStatusOf(signIn(authClient(t, app), user.username))).toBe(401);
    expect((await signIn(authClient(t, { appId: app.appId, secret: refreshed.data.secret }), user.username)).statusCode).toBe(200);
  });

  it('deletes an application; afterwards it is not found and cannot sign anyone in', async () => {
    const app = await createApp(t);
    expect((await t.management.deleteApplication({ appId: app.appId })).statusCode).toBe(200);
    expect(await t.management.getApplication({ appId: app.appId })).toMatchObject({ statusCode: 404 });
    expect(await t.management.deleteApplication({ appId: app.appId })).toMatchObject({ statusCode: 404 });
    const user = await createUser(t);
    expect(await httpStatusOf(signIn(authClient(t, app), user.username))).toBe(401);
  });

  it('keeps applications of one user pool invisible to another', async () => {
    const app = await createApp(t);
    const other = await t.newPool();
    expect(await other.management.getApplication({ appId: app.appId })).toMatchObject({ statusCode: 404 });
    expect(await other.management.getApplicationSecret({ appId: app.appId })).toMatchObject({ statusCode: 404 });
    expect((await other.management.listApplications({})).data.totalCount).toBe(0);
  });

  it('signs in only users of the application\'s own user pool', async () => {
    const other = await t.newPool();
    const created = await other.management.createUser({ username: `foreign_${uniq()}`, password: 'Correct-horse-1' } as never);
    expect(created.statusCode).toBe(200);
    const app = await createApp(t);
    const answer = await signIn(authClient(t, app), created.data.username!);
    expect(answer).toMatchObject({ statusCode: 400, apiCode: 2333 });
  });
});
