import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, httpStatusOf, signIn, uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';

const t = useTestServer();

type Rule = { targetType: 'USER' | 'ROLE' | 'GROUP' | 'ORG'; targetIdentifier: string[]; effect: 'ALLOW' | 'DENY'; inheritByChildren?: boolean; namespaceCode?: string };

const strategy = async (appId: string, permissionStrategy: 'ALLOW_ALL' | 'DENY_ALL') =>
  ok(await t.management.updateApplicationPermissionStrategy({ appId, permissionStrategy } as never), 'update-application-permission-strategy');
const authorize = (appId: string, list: Rule[]) => t.management.authorizeApplicationAccess({ appId, list } as never);
const revoke = (appId: string, list: Array<Omit<Rule, 'effect'>>) => t.management.revokeApplicationAccess({ appId, list } as never);
const appIds = (data: unknown) => (data as Array<{ appId: string }>).map((a) => a.appId).sort();
const accessible = async (userId: string) => appIds(ok(await t.management.getUserAccessibleApps({ userId }), 'get-user-accessible-apps'));
const authorized = async (userId: string) => appIds(ok(await t.management.getUserAuthorizedApps({ userId }), 'get-user-authorized-apps'));
const loggedIn = async (userId: string) => appIds(ok(await t.management.getUserLoggedinApps({ userId }), 'get-user-loggedin-apps'));

/** An organization with a department and a child department below it. */
async function departments() {
  const s = uniq();
  const org = ok<{ departmentId: string; organizationCode: string }>(
    await t.management.createOrganization({ organizationCode: `org_${s}`, organizationName: `Org ${s}` } as never), 'create-organization');
  const parent = ok<{ departmentId: string }>(await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: `Parent ${s}`, code: `p_${s}` } as never), 'create-department');
  const child = ok<{ departmentId: string }>(await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: parent.departmentId, name: `Child ${s}`, code: `c_${s}` } as never), 'create-department');
  const join = async (departmentId: string, userId: string) =>
    ok(await t.management.addDepartmentMembers({ organizationCode: org.organizationCode, departmentId, userIds: [userId] }), 'add-department-members');
  return { parent: parent.departmentId, child: child.departmentId, join };
}

describe('application access rules', () => {
  it('defaults to ALLOW_ALL and answers the strategy it was given', async () => {
    const app = await createApp(t);
    expect(ok(await t.management.getApplicationPermissionStrategy({ appId: app.appId }), 'get')).toEqual({ permissionStrategy: 'ALLOW_ALL' });
    await strategy(app.appId, 'DENY_ALL');
    expect(ok(await t.management.getApplicationPermissionStrategy({ appId: app.appId }), 'get')).toEqual({ permissionStrategy: 'DENY_ALL' });

    const bad = await t.management.updateApplicationPermissionStrategy({ appId: app.appId, permissionStrategy: 'SOMETIMES' } as never);
    expect(bad).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect(bad.message).toMatch(/permissionStrategy/);
    const unknown = await t.management.getApplicationPermissionStrategy({ appId: 'no-such-app' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.message).toMatch(/appId/);
  });

  it('under DENY_ALL refuses sign-in with 403 and records it, until a USER rule allows it', async () => {
    const app = await createApp(t);
    await strategy(app.appId, 'DENY_ALL');
    const user = await createUser(t);
    const client = authClient(t, app);
    const refused = await signIn(client, user.username);
    expect(refused).toMatchObject({ statusCode: 403, apiCode: 4622 });
    expect(refused.message).toMatch(/access rules/);
    expect(await accessible(user.userId)).not.toContain(app.appId);
    const history = ok<{ list: Array<{ success: boolean; failureReason?: string; appId: string }> }>(await t.management.getUserLoginHistory({ userId: user.userId }), 'history');
    expect(history.list[0]).toMatchObject({ success: false, appId: app.appId, failureReason: 'no access to this application' });

    ok(await authorize(app.appId, [{ targetType: 'USER', targetIdentifier: [user.userId], effect: 'ALLOW' }]), 'authorize');
    expect((await signIn(client, user.username)).statusCode).toBe(200);
    expect(await accessible(user.userId)).toContain(app.appId);
    expect(await authorized(user.userId)).toContain(app.appId);
  });

  it('reaches users through roles held by their department, groups, and departments (below, only when inherited)', async () => {
    const app = await createApp(t);
    await strategy(app.appId, 'DENY_ALL');
    const d = await departments();
    const [viaRole, viaGroup, inChild, inParent] = [await createUser(t), await createUser(t), await createUser(t), await createUser(t)];
    const role = `role_${uniq()}`;
    ok(await t.management.createRole({ code: role } as never), 'create-role');
    ok(await t.management.assignRole({ code: role, targets: [{ targetType: 'DEPARTMENT', targetIdentifier: d.parent }] } as never), 'assign-role');
    await d.join(d.parent, viaRole.userId);
    const group = `group_${uniq()}`;
    ok(await t.management.createGroup({ code: group, name: group, description: '' } as never), 'create-group');
    ok(await t.management.addGroupMembers({ code: group, userIds: [viaGroup.userId] }), 'add-group-members');
    await d.join(d.child, inChild.userId);
    await d.join(d.parent, inParent.userId);

    ok(await authorize(app.appId, [
      { targetType: 'ROLE', targetIdentifier: [role], effect: 'ALLOW' },
      { targetType: 'GROUP', targetIdentifier: [group], effect: 'ALLOW' },
    ]), 'authorize');
    expect(await accessible(viaGroup.userId)).toContain(app.appId);
    expect(await accessible(viaRole.userId)).toContain(app.appId);
    // A role given to a department is held by the members of the departments below it too.
    expect(await accessible(inChild.userId)).toContain(app.appId);
    expect(await authorized(inChild.userId)).toContain(app.appId);

    const other = await createApp(t);
    await strategy(other.appId, 'DENY_ALL');
    ok(await authorize(other.appId, [{ targetType: 'ORG', targetIdentifier: [d.parent], effect: 'ALLOW' }]), 'authorize');
    expect(await accessible(inParent.userId)).toContain(other.appId);
    expect(await accessible(inChild.userId)).not.toContain(other.appId);
    ok(await authorize(other.appId, [{ targetType: 'ORG', targetIdentifier: [d.parent], effect: 'ALLOW', inheritByChildren: true }]), 'authorize');
    expect(await accessible(inChild.userId)).toContain(other.appId);
    expect((await signIn(authClient(t, other), inChild.username)).statusCode).toBe(200);
  });

  it('lets a DENY win over an ALLOW, also under ALLOW_ALL', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    const group = `group_${uniq()}`;
    ok(await t.management.createGroup({ code: group, name: group, description: '' } as never), 'create-group');
    ok(await t.management.addGroupMembers({ code: group, userIds: [user.userId] }), 'add-group-members');
    ok(await authorize(app.appId, [
      { targetType: 'GROUP', targetIdentifier: [group], effect: 'ALLOW' },
      { targetType: 'USER', targetIdentifier: [user.userId], effect: 'DENY' },
    ]), 'authorize');
    expect((await signIn(authClient(t, app), user.username)).statusCode).toBe(403);
    expect(await accessible(user.userId)).not.toContain(app.appId);
    expect(await authorized(user.userId)).not.toContain(app.appId);

    ok(await revoke(app.appId, [{ targetType: 'USER', targetIdentifier: [user.userId] }]), 'revoke');
    expect((await signIn(authClient(t, app), user.username)).statusCode).toBe(200);
    expect(await authorized(user.userId)).toContain(app.appId);
  });

  it('ends the session at the next refresh once access is withdrawn', async () => {
    const app = await createApp(t);
    await strategy(app.appId, 'DENY_ALL');
    const user = await createUser(t);
    ok(await authorize(app.appId, [{ targetType: 'USER', targetIdentifier: [user.userId], effect: 'ALLOW' }]), 'authorize');
    const client = authClient(t, app);
    const tokens = (await signIn(client, user.username)).data as { access_token: string; refresh_token: string };
    expect((await client.getNewAccessTokenByRefreshToken(tokens.refresh_token)).access_token).toBeTruthy();
    const latest = await signIn(client, user.username);

    ok(await revoke(app.appId, [{ targetType: 'USER', targetIdentifier: [user.userId] }]), 'revoke');
    expect(await httpStatusOf(client.getNewAccessTokenByRefreshToken(latest.data.refresh_token!))).toBe(400);
    expect(await client.introspectToken(latest.data.access_token!)).toEqual({ active: false });
  });

  it('ends the session the moment access is withdrawn: its tokens stay inactive even when access is given back', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    const client = authClient(t, app);
    const tokens = (await signIn(client, user.username)).data as { access_token: string; refresh_token: string };
    expect((await client.introspectToken(tokens.access_token)).active).toBe(true);

    ok(await authorize(app.appId, [{ targetType: 'USER', targetIdentifier: [user.userId], effect: 'DENY' }]), 'authorize');
    expect(await client.introspectToken(tokens.access_token)).toEqual({ active: false });
    expect(await client.introspectToken(tokens.refresh_token)).toEqual({ active: false });
    expect(await httpStatusOf(client.getUserInfoByAccessToken(tokens.access_token, { method: 'GET', tokenPlace: 'header' }))).toBe(401);

    // The session ended with the DENY (and its application was told): lifting it restores nothing.
    ok(await revoke(app.appId, [{ targetType: 'USER', targetIdentifier: [user.userId] }]), 'revoke');
    expect((await client.introspectToken(tokens.access_token)).active).toBe(false);
    const again = (await signIn(client, user.username)).data as { access_token: string };
    expect((await client.introspectToken(again.access_token)).active).toBe(true);
    await strategy(app.appId, 'DENY_ALL');
    expect((await client.introspectToken(again.access_token)).active).toBe(false);
  });

  it('refuses the refresh of a user a new DENY rule reaches, under ALLOW_ALL', async () => {
    const app = await createApp(t);
    const [denied, other] = [await createUser(t), await createUser(t)];
    const client = authClient(t, app);
    const deniedTokens = (await signIn(client, denied.username)).data as { refresh_token: string };
    const otherTokens = (await signIn(client, other.username)).data as { refresh_token: string };
    ok(await authorize(app.appId, [{ targetType: 'USER', targetIdentifier: [denied.userId], effect: 'DENY' }]), 'authorize');
    expect(await httpStatusOf(client.getNewAccessTokenByRefreshToken(deniedTokens.refresh_token))).toBe(400);
    expect((await client.getNewAccessTokenByRefreshToken(otherTokens.refresh_token)).access_token).toBeTruthy();
  });

  it('refuses unknown subjects and writes nothing of a request that fails', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    const answer = await authorize(app.appId, [
      { targetType: 'USER', targetIdentifier: [user.userId], effect: 'DENY' },
      { targetType: 'ROLE', targetIdentifier: ['no_such_role'], effect: 'ALLOW' },
    ]);
    expect(answer.statusCode).toBe(404);
    expect(answer.message).toMatch(/list\[1\]\.targetIdentifier: no role "no_such_role" in namespace "default"/);
    expect((await signIn(authClient(t, app), user.username)).statusCode).toBe(200);

    const empty = await t.management.authorizeApplicationAccess({ appId: app.appId, list: [{ targetType: 'USER', targetIdentifier: [], effect: 'ALLOW' }] } as never);
    expect(empty.statusCode).toBe(400);
    expect(empty.message).toMatch(/targetIdentifier/);
    const wrongType = await t.management.authorizeApplicationAccess({ appId: app.appId, list: [{ targetType: 'TEAM', targetIdentifier: ['x'], effect: 'ALLOW' }] } as never);
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.message).toMatch(/targetType/);
  });

  it('records each change of access in the admin audit log with the application as target', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    const answer = await authorize(app.appId, [{ targetType: 'USER', targetIdentifier: [user.userId], effect: 'ALLOW' }]);
    const logs = ok<{ list: Array<Record<string, unknown>> }>(await t.management.makeRequest({
      method: 'POST', url: '/api/v3/get-admin-audit-logs', data: { action: 'authorize-application-access', targetId: app.appId, pagination: { page: 1, limit: 10 } },
    }), 'get-admin-audit-logs');
    expect(logs.list).toHaveLength(1);
    expect(logs.list[0]).toMatchObject({ requestId: answer.requestId, targetType: 'application', targetIds: [app.appId], success: true });
  });

  it('drops the rules of a deleted group with the group', async () => {
    const app = await createApp(t);
    await strategy(app.appId, 'DENY_ALL');
    const user = await createUser(t);
    const group = `group_${uniq()}`;
    ok(await t.management.createGroup({ code: group, name: group, description: '' } as never), 'create-group');
    ok(await t.management.addGroupMembers({ code: group, userIds: [user.userId] }), 'add-group-members');
    ok(await authorize(app.appId, [{ targetType: 'GROUP', targetIdentifier: [group], effect: 'ALLOW' }]), 'authorize');
    expect(await authorized(user.userId)).toEqual([app.appId]);
    ok(await t.management.deleteGroupsBatch({ codeList: [group] }), 'delete-groups-batch');
    const rows = await t.server.deps.db.selectFrom('application_access').select('id').where('app_id', '=', app.appId).execute();
    expect(rows).toHaveLength(0);
    expect(await authorized(user.userId)).toEqual([]);
  });

  it('keeps one pool from naming another pool\'s applications or users', async () => {
    const app = await createApp(t);
    const other = await t.newPool();
    const theirs = await other.management.authorizeApplicationAccess({ appId: app.appId, list: [{ targetType: 'USER', targetIdentifier: ['x'], effect: 'ALLOW' }] } as never);
    expect(theirs.statusCode).toBe(404);
    const user = await createUser(t);
    const cross = await other.management.getUserAccessibleApps({ userId: user.userId });
    expect(cross.statusCode).toBe(404);
  });
});

describe('applications a user is signed in to', () => {
  it('lists each application with a live session once, none the access rules deny, and none after kick-users or resignation', async () => {
    const [a, b] = [await createApp(t), await createApp(t)];
    const user = await createUser(t);
    expect(await loggedIn(user.userId)).toEqual([]);
    await signIn(authClient(t, a), user.username);
    await signIn(authClient(t, a), user.username);
    await signIn(authClient(t, b), user.username);
    expect(await loggedIn(user.userId)).toEqual([a.appId, b.appId].sort());
    const entry = (ok(await t.management.getUserLoggedinApps({ userId: user.userId }), 'get') as Array<Record<string, unknown>>)[0];
    expect(Object.keys(entry).sort()).toEqual(['appId', 'appLoginUrl', 'appLogo', 'appName']);

    ok(await authorize(b.appId, [{ targetType: 'USER', targetIdentifier: [user.userId], effect: 'DENY' }]), 'authorize');
    expect(await loggedIn(user.userId)).toEqual([a.appId]);
    ok(await revoke(b.appId, [{ targetType: 'USER', targetIdentifier: [user.userId] }]), 'revoke');
    // Withdrawn access ended the session in b: lifting the DENY does not bring it back.
    expect(await loggedIn(user.userId)).toEqual([a.appId]);
    await signIn(authClient(t, b), user.username);
    ok(await t.management.kickUsers({ userId: user.userId, appIds: [a.appId] } as never), 'kick-users');
    expect(await loggedIn(user.userId)).toEqual([b.appId]);
    ok(await t.management.resignUser({ userId: user.userId }), 'resign-user');
    expect(await loggedIn(user.userId)).toEqual([]);
    expect(await accessible(user.userId)).toEqual([]);
  });

  it('lists the users signed in to an application, the latest first, without the kicked, resigned or expired', async () => {
    const app = await createApp(t);
    const [first, second, kicked, resigned, expired, elsewhere] = await Promise.all(Array.from({ length: 6 }, () => createUser(t)));
    for (const user of [first, second, kicked, resigned, expired]) expect((await signIn(authClient(t, app), user.username)).statusCode).toBe(200);
    expect((await signIn(authClient(t, await createApp(t)), elsewhere.username)).statusCode).toBe(200);
    ok(await t.management.kickUsers({ userId: kicked.userId, appIds: [app.appId] } as never), 'kick-users');
    ok(await t.management.resignUser({ userId: resigned.userId }), 'resign-user');
    // Both its access token (issued long ago) and its refresh token have run out.
    await t.server.deps.db.updateTable('oidc_sessions').set({ created_at: new Date(Date.now() - 7_200_000).toISOString() }).where('user_id', '=', expired.userId).execute();
    await t.server.deps.db.updateTable('refresh_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', expired.userId).execute();
    await t.server.deps.db.updateTable('oidc_sessions').set({ created_at: new Date(Date.now() + 1000).toISOString() }).where('user_id', '=', second.userId).execute();

    const page = ok<{ totalCount: number; list: Array<{ userId: string; identities?: unknown[] }> }>(
      await t.management.listApplicationActiveUsers({ appId: app.appId, options: { pagination: { page: 1, limit: 10 }, withIdentities: true } } as never), 'list-application-active-users');
    expect(page.list.map((u) => u.userId)).toEqual([second.userId, first.userId]);
    expect(page.totalCount).toBe(2);
    expect(page.list[0].identities).toEqual([]);
    const secondPage = ok<{ list: Array<{ userId: string }> }>(
      await t.management.listApplicationActiveUsers({ appId: app.appId, options: { pagination: { page: 2, limit: 1 } } } as never), 'page 2');
    expect(secondPage.list.map((u) => u.userId)).toEqual([first.userId]);
    expect((await t.management.listApplicationActiveUsers({ appId: 'no-such-app' } as never)).statusCode).toBe(404);
  });

  it('answers 400 naming userId for an empty id, as for every user lookup', async () => {
    const answer = await t.management.getUserLoggedinApps({ userId: '' });
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toMatch(/userId/);
  });
});

describe('list-archived-users', () => {
  it('lists archived users, the latest first, from startAt on', async () => {
    const before = Date.now() - 1000;
    const [first, second, active] = [await createUser(t), await createUser(t), await createUser(t)];
    ok(await t.management.updateUser({ userId: first.userId, status: 'Archived' } as never), 'archive');
    await new Promise((resolve) => setTimeout(resolve, 20));
    ok(await t.management.updateUser({ userId: second.userId, status: 'Archived' } as never), 'archive');
    const page = ok<{ totalCount: number; list: Array<{ userId: string; archivedAt: string }> }>(await t.management.listArchivedUsers({ startAt: before }), 'list-archived-users');
    expect(page.list.map((u) => u.userId)).toEqual([second.userId, first.userId]);
    expect(page.totalCount).toBe(2);
    expect(Date.parse(page.list[0].archivedAt)).toBeGreaterThanOrEqual(before);
    expect(page.list.map((u) => u.userId)).not.toContain(active.userId);

    const later = ok<{ totalCount: number; list: Array<{ userId: string }> }>(await t.management.listArchivedUsers({ startAt: Date.parse(page.list[0].archivedAt) }), 'list');
    expect(later.list.map((u) => u.userId)).toEqual([second.userId]);
    expect((await t.management.listArchivedUsers({ limit: 51 })).statusCode).toBe(400);
  });
});
