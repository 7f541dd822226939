import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, signIn, uniq } from './helpers/apps.js';
import { attachUser, buildDirectory, relationsOf, type Directory } from './helpers/fixtures.js';
import { ENTERPRISE, GROUP, PATCH_OP, USER, scimClient, scimToken, type ScimClient } from './helpers/scim.js';

// Two provisioning conversations as Okta and Microsoft Entra ID hold them (their documented
// request shapes), then the same people read back through the official GenAuth SDK.

const t = useTestServer();
let app: { appId: string; secret: string };
let dir: Directory;
beforeAll(async () => {
  app = await createApp(t);
  dir = await buildDirectory(t.management);
});

const PASSWORD = 'Correct-horse-1';
const noRelations = { departments: 0, roles: 0, groups: 0, posts: 0, resources: 0, publicAccounts: 0, applications: 0 };
const noMembership = { departments: 0, roles: 0, groups: 0, resources: 0, publicAccounts: 0 };

async function sdkUser(userId: string) {
  const answer = await t.management.getUser({ userId } as never);
  return answer as { statusCode: number; data: Record<string, any> };
}

async function signedIn(username: string) {
  const client = authClient(t, app);
  const answer = await signIn(client, username, PASSWORD);
  expect(answer.statusCode).toBe(200);
  return { client, tokens: answer.data as { access_token: string; refresh_token: string } };
}

async function expectTokensDead(session: Awaited<ReturnType<typeof signedIn>>) {
  expect(await session.client.introspectToken(session.tokens.access_token)).toEqual({ active: false });
  expect(await session.client.introspectToken(session.tokens.refresh_token)).toEqual({ active: false });
}

async function auditOf(userId: string) {
  const answer = await t.management.getAdminAuditLogs({ targetId: userId, pagination: { page: 1, limit: 50 } } as never);
  expect(answer.statusCode).toBe(200);
  return (answer.data as { list: Array<Record<string, any>> }).list;
}

/** After DELETE: Resigned, no relation from either side, no live token, the removal audited with its snapshot. */
async function expectResignedCleanly(userId: string, session: Awaited<ReturnType<typeof signedIn>>, tokenActor: RegExp) {
  const user = await sdkUser(userId);
  expect(user.statusCode).toBe(200);
  expect(user.data).toMatchObject({ status: 'Resigned', workStatus: 'Closed' });
  const { userSide, memberSide } = await relationsOf(t.management, dir, userId);
  expect(userSide).toEqual(noRelations);
  expect(memberSide).toEqual(noMembership);
  await expectTokensDead(session);
  expect((await signIn(authClient(t, app), user.data.username, PASSWORD).catch((e) => e.response?.data)).statusCode).toBe(403);
  const resigned = (await auditOf(userId)).find((e) => e.action === 'resign-user');
  expect(resigned).toMatchObject({ adminUserId: expect.stringMatching(tokenActor), success: true });
  expect(resigned!.detail.removed.departments.length).toBe(dir.departmentIds.length);
  expect(resigned!.detail.removed.groups.length).toBeGreaterThanOrEqual(dir.groupCodes.length);
  const events = await t.server.deps.db.selectFrom('event_outbox').select(['type', 'payload']).where('type', '=', 'user:resigned').execute();
  expect(events.some((e) => String(e.payload).includes(userId))).toBe(true);
}

describe('an Okta-style provisioning conversation', () => {
  let scim: ScimClient;
  let token: string;
  beforeAll(async () => {
    token = await scimToken(t);
    scim = scimClient(t.url, token, 'application/json');
  });

  it('creates, finds, updates, groups, deactivates, reactivates and deletes a person', async () => {
    const s = uniq();
    const login = `okta.${s}@example.com`;
    // Okta first looks the person up, then creates them.
    const before = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${login}"`)}&startIndex=1&count=100`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await scim.post('/Users', {
      schemas: [USER], userName: login, name: { givenName: 'Olga', familyName: 'Kim' },
      emails: [{ primary: true, value: login, type: 'work' }], displayName: 'Olga Kim', locale: 'en-US',
      externalId: `00u${s}`, groups: [], password: PASSWORD, active: true,
    });
    expect(created.status).toBe(201);
    expect(created.contentType).toMatch(/^application\/scim\+json/);
    expect(created.body).toMatchObject({ userName: login, active: true, externalId: `00u${s}`, name: { givenName: 'Olga', familyName: 'Kim' } });
    expect(created.body.password).toBeUndefined();
    const id = created.body.id as string;

    const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${login.toUpperCase()}"`)}&startIndex=1&count=100`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);
    expect((await scim.get(`/Users/${id}`)).body).toMatchObject({ id, userName: login });

    // Okta updates with a PUT of the whole user.
    const put = await scim.put(`/Users/${id}`, {
      schemas: [USER], id, userName: login, name: { givenName: 'Olga', familyName: 'Kim-Park' },
      emails: [{ primary: true, value: `olga.${s}@example.com`, type: 'work' }], displayName: 'Olga Kim-Park', locale: 'en-US', externalId: `00u${s}`, active: true,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: { familyName: 'Kim-Park' }, emails: [{ value: `olga.${s}@example.com`, primary: true }] });
    expect((await sdkUser(id)).data).toMatchObject({ email: `olga.${s}@example.com`, name: 'Olga Kim-Park', familyName: 'Kim-Park', username: login, externalId: `00u${s}` });

    // Group push: create, rename with a path-less replace, add the member.
    const group = await scim.post('/Groups', { schemas: [GROUP], displayName: `Okta Engineering ${s}`, members: [] });
    expect(group.status).toBe(201);
    const renamed = await scim.patch(`/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: group.body.id, displayName: `Engineering ${s}` } }] });
    expect(renamed.body.displayName).toBe(`Engineering ${s}`);
    const added = await scim.patch(`/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id, display: login }] }] });
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([expect.objectContaining({ value: id })]);
    const groupsOfUser = await t.management.getUserGroups({ userId: id } as never);
    expect((groupsOfUser.data as { list: Array<{ name: string }> }).list.map((g) => g.name)).toContain(`Engineering ${s}`);
    expect((await scim.get(`/Users/${id}`)).body.groups).toEqual([expect.objectContaining({ value: group.body.id, display: `Engineering ${s}` })]);

    // Deactivation: Okta sends PATCH of active only. Default: suspended, sessions dead at once.
    const session = await signedIn(login);
    const off = await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await sdkUser(id)).data.status).toBe('Suspended');
    await expectTokensDead(session);
    // Reversible: relations kept, and the person signs in again once re-activated.
    expect((await scim.get(`/Groups/${group.body.id}`)).body.members).toHaveLength(1);
    const on = await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(on.body.active).toBe(true);
    expect((await sdkUser(id)).data.status).toBe('Activated');
    await attachUser(t.management, dir, id);
    const again = await signedIn(login);

    const deleted = await scim.delete(`/Users/${id}`);
    expect(deleted.status).toBe(204);
    await expectResignedCleanly(id, again, /^scim-token:/);
    // The record is kept and reads as inactive; the group lost the member.
    expect((await scim.get(`/Users/${id}`)).body).toMatchObject({ id, active: false });
    expect((await scim.get(`/Groups/${group.body.id}`)).body.members).toEqual([]);
    // Every write is in the admin audit log with the token as actor.
    const actions = (await auditOf(id)).map((e) => [e.action, e.adminUserId]);
    expect(actions).toEqual(expect.arrayContaining([['create-user', expect.stringMatching(/^scim-token:/)], ['update-user', expect.stringMatching(/^scim-token:/)]]));
  });
});

describe('an Entra ID-style provisioning conversation', () => {
  let scim: ScimClient;
  beforeAll(async () => {
    scim = scimClient(t.url, await scimToken(t), 'application/scim+json');
  });

  it('creates, finds, updates, groups, deactivates, reactivates and deletes a person', async () => {
    const s = uniq();
    const upn = `entra.${s}@contoso.example`;
    // Entra's connection test: a filter on a random userName must answer an empty list.
    const probe = await scim.filter('Users', `userName eq "${crypto.randomUUID()}"`);
    expect(probe.body).toMatchObject({ totalResults: 0, Resources: [] });

    const manager = await scim.post('/Users', { schemas: [USER], userName: `boss.${s}@contoso.example`, active: true, displayName: 'Boss' });
    const created = await scim.post('/Users', {
      schemas: [USER, ENTERPRISE], externalId: `ext-${s}`, userName: upn, active: true, displayName: 'Erin Ek',
      emails: [{ primary: true, type: 'work', value: upn }], meta: { resourceType: 'User' },
      name: { formatted: 'Erin Ek', familyName: 'Ek', givenName: 'Erin' }, title: 'Engineer', password: PASSWORD,
      [ENTERPRISE]: { employeeNumber: `E${s}`, department: 'Research' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body[ENTERPRISE]).toEqual({ employeeNumber: `E${s}`, department: 'Research' });

    const byExternal = await scim.filter('Users', `externalId eq "ext-${s}"`);
    expect(byExternal.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    // Entra's PATCH: capitalised ops, value filters, URN paths, the manager as a bare id.
    const patched = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Erin Ekberg' },
        { op: 'Replace', path: 'name.familyName', value: 'Ekberg' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: `erin.${s}@contoso.example` },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Platform' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: manager.body.id },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ displayName: 'Erin Ekberg', name: { familyName: 'Ekberg' }, emails: [{ type: 'work', value: `erin.${s}@contoso.example` }] });
    expect(patched.body[ENTERPRISE]).toMatchObject({ department: 'Platform', manager: { value: manager.body.id }, employeeNumber: `E${s}` });
    expect((await sdkUser(id)).data).toMatchObject({ name: 'Erin Ekberg', email: `erin.${s}@contoso.example`, familyName: 'Ekberg' });

    // Groups: created, found by displayName without members, members added and removed by PATCH.
    const group = await scim.post('/Groups', { schemas: [GROUP], externalId: `grp-${s}`, displayName: `Entra Sales ${s}`, members: [] });
    expect(group.status).toBe(201);
    const lookup = await scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "Entra Sales ${s}"`)}`);
    expect(lookup.body.Resources).toEqual([expect.objectContaining({ id: group.body.id, externalId: `grp-${s}` })]);
    expect(lookup.body.Resources[0].members).toBeUndefined();
    const gid = group.body.id as string;
    expect((await scim.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: id }, { value: manager.body.id }] }] })).status).toBe(200);
    const members = await scim.filter('Groups', `members[value eq "${id}"]`);
    expect(members.body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);
    const removed = await scim.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: manager.body.id }] }] });
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([id]);
    expect((await scim.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${id}"]` }] })).body.members).toEqual([]);
    expect((await scim.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }] })).body.members).toHaveLength(1);

    // Entra deactivates with the boolean as a string.
    const session = await signedIn(upn);
    const off = await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(off.body.active).toBe(false);
    expect((await sdkUser(id)).data.status).toBe('Suspended');
    await expectTokensDead(session);
    expect((await scim.filter('Users', `active eq false and userName eq "${upn}"`)).body.totalResults).toBe(1);
    const on = await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(on.body.active).toBe(true);
    expect((await sdkUser(id)).data.status).toBe('Activated');
    await attachUser(t.management, dir, id);
    const again = await signedIn(upn);

    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    await expectResignedCleanly(id, again, /^scim-token:/);
    expect((await scim.get(`/Groups/${gid}`)).body.members).toEqual([]);
    // Deleting again is safe to retry, and the resigned person cannot be brought back.
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    const back = await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(back.status).toBe(400);
    expect(back.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], scimType: 'mutability', status: '400' });
    expect((await sdkUser(id)).data.status).toBe('Resigned');
  });
});
