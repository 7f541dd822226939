import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { attachUser, buildDirectory, ok, relationsOf, uniq, type Directory } from './helpers/fixtures.js';

const t = useTestServer();
let dir: Directory;
beforeAll(async () => {
  dir = await buildDirectory(t.management);
});
const NONE = {
  userSide: { departments: 0, roles: 0, groups: 0, posts: 0, resources: 0, publicAccounts: 0, applications: 0 },
  memberSide: { departments: 0, roles: 0, groups: 0, resources: 0, publicAccounts: 0 },
};
const ALL = {
  userSide: { departments: 3, roles: 3, groups: 3, posts: 2, resources: 10, publicAccounts: 1, applications: 1 },
  memberSide: { departments: 3, roles: 3, groups: 3, resources: 10, publicAccounts: 1 },
};

async function employee(fields: Record<string, unknown> = {}) {
  const s = uniq();
  const user = ok<{ userId: string; email: string; phone: string; username: string; name: string }>(
    await t.management.createUser({ username: `emp_${s}`, email: `emp_${s}@corp.example`, phone: `139${Math.floor(Math.random() * 1e8)}`, name: `Employee ${s}`, externalId: `hr-${s}`, ...fields } as never),
    'create-user');
  await attachUser(t.management, dir, user.userId);
  return user;
}

async function auditOf(userId: string, action: string) {
  const logs = ok<{ list: Array<Record<string, unknown>> }>(
    await t.management.makeRequest({ method: 'POST', url: '/api/v3/get-admin-audit-logs', data: { action, targetId: userId, pagination: { page: 1, limit: 50 } } }),
    'get-admin-audit-logs');
  return logs.list;
}

describe('resign-user', () => {
  it('removes every relation in both directions and keeps the profile', async () => {
    const user = await employee();
    expect(await relationsOf(t.management, dir, user.userId)).toEqual(ALL);

    const answer = await t.management.resignUser({ userId: user.userId });
    expect(answer).toMatchObject({ statusCode: 200, data: { success: true } });

    expect(await relationsOf(t.management, dir, user.userId)).toEqual(NONE);
    const after = ok<Record<string, unknown>>(await t.management.getUser({ userId: user.userId }), 'get-user');
    expect(after).toMatchObject({ name: user.name, email: user.email, phone: user.phone, username: user.username, status: 'Resigned', workStatus: 'Closed' });
    expect(after.statusChangedAt).toBeTruthy();
  });

  it('records an audit entry whose snapshot lists exactly the relations removed', async () => {
    const user = await employee();
    const answer = await t.management.resignUser({ userId: user.userId });
    const [entry, ...more] = await auditOf(user.userId, 'resign-user');
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({ success: true, requestId: answer.requestId, adminUserId: t.keyId, targetIds: [user.userId] });
    const removed = (entry.detail as { removed: Record<string, Array<Record<string, unknown>>> }).removed;
    expect(removed.departments.map((d) => d.departmentId).sort()).toEqual([...dir.departmentIds].sort());
    expect(removed.roles).toHaveLength(3);
    expect(removed.groups).toHaveLength(3);
    expect(removed.posts.map((p) => p.postId).sort()).toEqual([...dir.postIds].sort());
    expect(removed.authorizations.map((a) => a.resourceCode).sort()).toEqual([...dir.resourceCodes].sort());
    expect(removed.publicAccounts).toEqual([{ publicAccountId: dir.publicAccountId, userId: user.userId }]);
    expect(removed.applicationAccess).toEqual([{ appId: dir.appId, effect: 'ALLOW' }]);
  });

  it('writes a user:resigned event to the outbox in the same transaction', async () => {
    const user = await employee();
    const answer = await t.management.resignUser({ userId: user.userId });
    const events = await t.server.deps.db.selectFrom('event_outbox').selectAll().where('type', '=', 'user:resigned').where('request_id', '=', answer.requestId!).execute();
    expect(events).toHaveLength(1);
    const payload = JSON.parse(events[0].payload);
    expect(payload).toMatchObject({ userId: user.userId, requestId: answer.requestId });
    expect(payload.removed.roles).toHaveLength(3);
  });

  it('resolves every userIdType', async () => {
    const idp = ok<{ id: string }>(await t.management.createExtIdp({ name: 'HR', type: 'oidc' } as never), 'create-ext-idp');
    const kinds: Array<[string, (u: Awaited<ReturnType<typeof employee>>, s: string) => string]> = [
      ['user_id', (u) => u.userId],
      ['username', (u) => u.username],
      ['email', (u) => u.email.toUpperCase()],
      ['phone', (u) => u.phone],
      ['external_id', (u) => `hr-${u.username.slice(4)}`],
      ['identity', (_u, s) => `${idp.id}:idp-${s}`],
      ['sync_relation', (_u, s) => `lark:ou-${s}`],
    ];
    for (const [userIdType, idOf] of kinds) {
      const s = uniq();
      const user = await employee();
      ok(await t.management.linkIdentity({ userId: user.userId, extIdpId: idp.id, userIdInIdp: `idp-${s}` } as never), 'link-identity');
      ok(await t.management.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: user.userId, provider: 'lark', userIdInIdp: `ou-${s}` } }), 'sync relation');
      const answer = await t.management.resignUser({ userId: idOf(user, s), userIdType: userIdType as never });
      expect({ userIdType, statusCode: answer.statusCode }).toEqual({ userIdType, statusCode: 200 });
      expect({ userIdType, status: ok<{ status: string }>(await t.management.getUser({ userId: user.userId }), 'get-user').status }).toEqual({ userIdType, status: 'Resigned' });
    }
  });

  it('refuses an unknown userIdType with a 400 and changes nothing', async () => {
    const user = await employee();
    const answer = await t.management.resignUser({ userId: user.userId, userIdType: 'nickname' as never });
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toMatch(/userIdType/);
    expect(await relationsOf(t.management, dir, user.userId)).toEqual(ALL);
  });

  it('is terminal: no re-activation and no new relation, each refused with a clear error', async () => {
    const user = await employee();
    ok(await t.management.resignUser({ userId: user.userId }), 'resign-user');

    const reactivate = await t.management.updateUser({ userId: user.userId, status: 'Activated' } as never);
    expect(reactivate.statusCode).toBe(400);
    expect(reactivate.message).toMatch(/resigned/);

    const refusals = [
      await t.management.addDepartmentMembers({ organizationCode: dir.organizationCode, departmentId: dir.departmentIds[0], userIds: [user.userId] }),
      await t.management.assignRole({ code: dir.roleCodes[0], targets: [{ targetType: 'USER', targetIdentifier: user.userId }] } as never),
      await t.management.addGroupMembers({ code: dir.groupCodes[0], userIds: [user.userId] }),
      await t.management.setUserPosts({ userId: user.userId, postIds: dir.postIds }),
      await t.management.authorizeResources({ list: [{ targetType: 'USER', targetIdentifiers: [user.userId], resources: [{ code: dir.resourceCodes[0], actions: ['read'], resourceType: 'DATA' }] }] } as never),
      await t.management.bindUsersPublicAccount({ publicAccountId: dir.publicAccountId, userIds: [user.userId] } as never),
      await t.management.authorizeApplicationAccess({ appId: dir.appId, list: [{ targetType: 'USER', targetIdentifier: [user.userId], effect: 'ALLOW' }] } as never),
    ];
    for (const answer of refusals) {
      expect(answer.statusCode).toBe(400);
      expect(answer.message).toMatch(/resigned/);
    }
    expect(await relationsOf(t.management, dir, user.userId)).toEqual(NONE);
  });

  it('succeeds again on a resigned user and changes nothing (safe to retry)', async () => {
    const user = await employee();
    ok(await t.management.resignUser({ userId: user.userId }), 'resign-user');
    const first = ok<{ statusChangedAt: string; updatedAt: string }>(await t.management.getUser({ userId: user.userId }), 'get-user');
    const again = await t.management.resignUser({ userId: user.userId });
    expect(again).toMatchObject({ statusCode: 200, data: { success: true } });
    const second = ok<{ statusChangedAt: string; updatedAt: string }>(await t.management.getUser({ userId: user.userId }), 'get-user');
    expect(second.statusChangedAt).toBe(first.statusChangedAt);
    expect(second.updatedAt).toBe(first.updatedAt);
    // Each call is audited, but only the one that resigned carries a snapshot of what it removed.
    const entries = await auditOf(user.userId, 'resign-user');
    expect(entries).toHaveLength(2);
    expect(entries.filter((e) => (e.detail as { removed?: unknown } | undefined)?.removed)).toHaveLength(1);
  });

  it('lets a resigned user be deleted', async () => {
    const user = await employee();
    ok(await t.management.resignUser({ userId: user.userId }), 'resign-user');
    ok(await t.management.deleteUsersBatch({ userIds: [user.userId] }), 'delete-users-batch');
    expect((await t.management.getUser({ userId: user.userId })).statusCode).toBe(404);
  });

  it('leaves no relation behind when many add-member calls race one resignation', async () => {
    const user = ok<{ userId: string }>(await t.management.createUser({ username: `race_${uniq()}` } as never), 'create-user');
    const adds = [
      ...dir.departmentIds.map((departmentId) => () => t.management.addDepartmentMembers({ organizationCode: dir.organizationCode, departmentId, userIds: [user.userId] })),
      ...dir.roleCodes.map((code) => () => t.management.assignRole({ code, targets: [{ targetType: 'USER', targetIdentifier: user.userId }] } as never)),
      ...dir.groupCodes.map((code) => () => t.management.addGroupMembers({ code, userIds: [user.userId] })),
      () => t.management.setUserPosts({ userId: user.userId, postIds: dir.postIds }),
      ...dir.resourceCodes.map((code) => () => t.management.authorizeResources({ list: [{ targetType: 'USER', targetIdentifiers: [user.userId], resources: [{ code, actions: ['read'], resourceType: 'DATA' }] }] } as never)),
      () => t.management.bindUsersPublicAccount({ publicAccountId: dir.publicAccountId, userIds: [user.userId] } as never),
    ];
    const racing = [...adds, ...adds].map((add, i) => new Promise((r) => setTimeout(r, i % 7)).then(add));
    const resignation = new Promise((r) => setTimeout(r, 5)).then(() => t.management.resignUser({ userId: user.userId }));
    const answers = await Promise.all([...racing, resignation]);
    expect((answers.at(-1) as { statusCode: number }).statusCode).toBe(200);
    for (const answer of answers.slice(0, -1) as Array<{ statusCode: number; message: string }>) {
      expect([200, 400]).toContain(answer.statusCode);
      if (answer.statusCode === 400) expect(answer.message).toMatch(/resigned/);
    }
    expect(await relationsOf(t.management, dir, user.userId)).toEqual(NONE);
  });
});

describe('resign-user-batch', () => {
  it('resigns 50 users in one call', async () => {
    const s = uniq();
    const created = ok<Array<{ userId: string }>>(
      await t.management.createUsersBatch({ list: Array.from({ length: 50 }, (_, i) => ({ username: `fifty_${s}_${i}` })) } as never), 'create-users-batch');
    await attachUser(t.management, dir, created[0].userId);
    await attachUser(t.management, dir, created[49].userId);
    const answer = await t.management.resignUserBatch({ userIds: created.map((u) => u.userId) });
    expect(answer).toMatchObject({ statusCode: 200, data: { success: true } });
    const listed = ok<{ totalCount: number }>(
      await t.management.listUsers({ keywords: `fifty_${s}`, advancedFilter: [{ field: 'status', operator: 'EQUAL', value: 'Resigned' }] } as never), 'list-users');
    expect(listed.totalCount).toBe(50);
    expect(await relationsOf(t.management, dir, created[0].userId)).toEqual(NONE);
    expect(await relationsOf(t.management, dir, created[49].userId)).toEqual(NONE);
  });

  it('refuses 51 ids with a 400 naming the field', async () => {
    const answer = await t.management.resignUserBatch({ userIds: Array.from({ length: 51 }, (_, i) => `${i}`.padStart(24, 'a')) });
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toMatch(/userIds/);
  });

  it('changes nothing when one id does not resolve, and names it', async () => {
    const a = await employee();
    const b = await employee();
    const ghost = `ghost_${uniq()}`;
    const answer = await t.management.resignUserBatch({ userIds: [a.username, ghost, b.username], userIdType: 'username' } as never);
    expect(answer.statusCode).toBe(404);
    expect(answer.message).toContain(ghost);
    expect(answer.message).not.toContain(a.username);
    for (const user of [a, b]) {
      expect(ok<{ status: string }>(await t.management.getUser({ userId: user.userId }), 'get-user').status).toBe('Activated');
      expect(await relationsOf(t.management, dir, user.userId)).toEqual(ALL);
    }
  });
});

describe('resign-public-account-batch', () => {
  it('resigns public accounts, unbinding their users, and refuses ids that are people', async () => {
    const local = await buildDirectory(t.management, { departments: 1, roles: 1, groups: 1, posts: 1, resources: 1 });
    const person = ok<{ userId: string }>(await t.management.createUser({ username: `person_${uniq()}` } as never), 'create-user');
    ok(await t.management.bindUsersPublicAccount({ publicAccountId: local.publicAccountId, userIds: [person.userId] } as never), 'bind');
    ok(await t.management.addGroupMembers({ code: local.groupCodes[0], userIds: [local.publicAccountId] }), 'add-group-members');

    const mixed = await t.management.resignPublicAccountBatch({ userIds: [local.publicAccountId, person.userId] });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.message).toContain(person.userId);
    expect(ok<{ status: string }>(await t.management.getPublicAccount({ userId: local.publicAccountId } as never), 'get-public-account').status).toBe('Activated');

    const answer = await t.management.resignPublicAccountBatch({ userIds: [local.publicAccountId] });
    expect(answer).toMatchObject({ statusCode: 200, data: { success: true } });
    const account = ok<{ status: string; workStatus: string }>(await t.management.getPublicAccount({ userId: local.publicAccountId } as never), 'get-public-account');
    expect(account).toMatchObject({ status: 'Resigned', workStatus: 'Closed' });
    expect(ok<{ list: unknown[] }>(await t.management.getUsersOfPublicAccount({ publicAccountId: local.publicAccountId }), 'users').list ?? []).toHaveLength(0);
    expect(ok<{ list: unknown[] }>(await t.management.listGroupMembers({ code: local.groupCodes[0] }), 'members').list).toHaveLength(0);
    expect(ok<{ status: string }>(await t.management.getUser({ userId: person.userId }), 'get-user').status).toBe('Activated');
  });
});
