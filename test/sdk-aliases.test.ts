import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn, uniq } from './helpers/apps.js';

// Endpoints the SDK has under a second name or shape: the permission-namespace family (the same
// namespaces as *-namespace), identity-source upkeep, applications in brief, and session status.
const t = useTestServer();

describe('permission namespaces', () => {
  it('creates, reads, lists, renames and deletes the same namespaces as the older endpoints', async () => {
    const m = t.management;
    const code = `pn_${uniq()}`;
    expect((await m.createPermissionNamespace({ code, name: `Name ${code}`, description: 'd' })).data).toEqual({ code, name: `Name ${code}`, description: 'd' });
    expect((await m.getNamespace({ code })).data).toMatchObject({ code, name: `Name ${code}` });
    expect((await m.getPermissionNamespace({ code })).data).toMatchObject({ code, description: 'd' });
    const batch = [`pb_${uniq()}`, `pb_${uniq()}`];
    expect((await m.createPermissionNamespacesBatch({ list: batch.map((c) => ({ code: c, name: c })) })).statusCode).toBe(200);
    expect((await m.getPermissionNamespacesBatch({ codes: [...batch, 'missing'] })).data.map((n) => n.code).sort()).toEqual([...batch].sort());
    const listed = await m.listPermissionNamespaces({ query: code });
    expect(listed.data).toMatchObject({ totalCount: 1, list: [{ code, name: `Name ${code}` }] });

    const renamed = `${code}_new`;
    expect((await m.updatePermissionNamespace({ code, newCode: renamed, name: 'Renamed' })).data).toMatchObject({ code: renamed, name: 'Renamed' });
    expect((await m.getPermissionNamespace({ code })).statusCode).toBe(404);
    expect((await m.deletePermissionNamespace({ code: renamed })).statusCode).toBe(200);
    expect((await m.getNamespace({ code: renamed })).statusCode).toBe(404);
    expect((await m.deletePermissionNamespacesBatch({ codes: batch })).statusCode).toBe(200);
    expect((await m.getPermissionNamespacesBatch({ codes: batch })).data).toEqual([]);
  });

  it('says whether a code and a name are free, and refuses a check of nothing', async () => {
    const code = `ck_${uniq()}`;
    await t.management.createPermissionNamespace({ code, name: `Taken ${code}` });
    expect((await t.management.checkPermissionNamespaceExists({ code: `free_${uniq()}`, name: 'Free name' })).data).toEqual({ isValid: true });
    expect((await t.management.checkPermissionNamespaceExists({ code })).data).toEqual({ isValid: false, message: `code: permission namespace "${code}" already exists` });
    expect((await t.management.checkPermissionNamespaceExists({ name: `Taken ${code}` })).data).toMatchObject({ isValid: false });
    expect((await t.management.checkPermissionNamespaceExists({})).statusCode).toBe(400);
  });

  it("lists a namespace's roles with a query, and 404 for an unknown namespace", async () => {
    const code = `nr_${uniq()}`;
    await t.management.createPermissionNamespace({ code, name: code });
    for (const role of ['reader', 'writer', 'owner']) await t.management.createRole({ code: role, namespace: code, name: `${role} role` });
    const all = await t.management.listPermissionNamespaceRoles({ code });
    expect(all.data.totalCount).toBe(3);
    expect(all.data.list[0]).toEqual({ code: expect.any(String), name: expect.any(String), description: '', namespace: code, updatedAt: expect.any(String) });
    expect((await t.management.listPermissionNamespaceRoles({ code, query: 'writ' })).data.list.map((r) => r.code)).toEqual(['writer']);
    expect((await t.management.listPermissionNamespaceRoles({ code: 'nowhere' })).statusCode).toBe(404);
  });

  it("never shows one pool's namespaces to another", async () => {
    const code = `iso_${uniq()}`;
    await t.management.createPermissionNamespace({ code, name: code });
    const other = await t.newPool();
    expect((await other.management.getPermissionNamespace({ code })).statusCode).toBe(404);
    expect((await other.management.checkPermissionNamespaceExists({ code })).data).toEqual({ isValid: true });
  });
});

describe('identity sources', () => {
  it('renames a source, and deletes it only once nobody signs in with it', async () => {
    const idp = (await t.management.createExtIdp({ name: 'Old', type: 'lark' } as never)).data as unknown as { id: string };
    expect((await t.management.updateExtIdp({ id: idp.id, name: 'New' })).data).toMatchObject({ id: idp.id, name: 'New' });
    expect((await t.management.getExtIdp({ id: idp.id } as never)).data).toMatchObject({ name: 'New' });
    const user = await createUser(t, { identities: [{ extIdpId: idp.id, provider: 'lark', userIdInIdp: `ou_${uniq()}` }] });
    const refused = await t.management.deleteExtIdp({ id: idp.id });
    expect(refused).toMatchObject({ statusCode: 409, message: `id: 1 identity still comes from source "${idp.id}"; unlink them first` });
    expect((await t.management.unlinkIdentity({ userId: user.userId, extIdpId: idp.id } as never)).statusCode).toBe(200);
    expect((await t.management.deleteExtIdp({ id: idp.id })).statusCode).toBe(200);
    expect((await t.management.getExtIdp({ id: idp.id } as never)).statusCode).toBe(404);
    expect((await t.management.updateExtIdp({ id: idp.id, name: 'x' })).statusCode).toBe(404);
  });
});

describe('applications in brief and session status', () => {
  it('answers the brief form of one application and of a page of them', async () => {
    const app = await createApp(t, { appName: 'Brief', appDescription: 'short' });
    expect((await t.management.getApplicationSimpleInfo({ appId: app.appId })).data).toEqual({
      appId: app.appId, appIdentifier: expect.any(String), appName: 'Brief', appLogo: expect.any(String), appDescription: 'short', appType: 'web', isIntegrateApp: false,
    });
    const page = await t.management.listApplicationSimpleInfo({ keywords: 'Brief' });
    expect(page.data.list.map((a) => a.appId)).toContain(app.appId);
    expect(Object.keys(page.data.list[0]).sort()).toEqual(['appDescription', 'appId', 'appIdentifier', 'appLogo', 'appName', 'appType', 'isIntegrateApp']);
    expect((await t.management.getApplicationSimpleInfo({ appId: 'nope' })).statusCode).toBe(404);
  });

  it('says a session is active after sign-in and inactive once the user is kicked', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    expect((await t.management.checkSessionStatus({ appId: app.appId, userId: user.userId })).data).toEqual({ active: false });
    await signIn(authClient(t, app), user.username);
    expect((await t.management.checkSessionStatus({ appId: app.appId, userId: user.userId })).data).toEqual({ active: true });
    await t.management.kickUsers({ userId: user.userId, appIds: [app.appId] });
    expect((await t.management.checkSessionStatus({ appId: app.appId, userId: user.userId })).data).toEqual({ active: false });
    expect((await t.management.checkSessionStatus({ appId: 'nope', userId: user.userId })).statusCode).toBe(404);
  });
});
