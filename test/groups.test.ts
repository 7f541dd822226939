import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();

async function user() {
  const answer = await t.management.createUser({ username: `u_${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

async function group(fields: Record<string, unknown> = {}) {
  const answer = await t.management.createGroup({ code: `g_${uniq()}`, name: 'Group', description: 'd', ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

describe('groups through the official ManagementClient', () => {
  it('creates, gets, lists and renames a group, answering the GroupDto', async () => {
    const created = await group({ customData: { tier: 'gold' } });
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), code: created.code, name: 'Group', description: 'd', type: 'static', metadataSource: [], members: [] });
    expect((await t.management.getGroup({ code: created.code })).data).toEqual(created);
    expect((await t.management.getGroup({ code: created.code, withCustomData: true })).data).toMatchObject({ customData: { tier: 'gold' } });

    const listed = await t.management.listGroups({ keywords: created.code, flatCustomData: true });
    expect(listed.data.totalCount).toBe(1);
    expect(listed.data.list[0]).toMatchObject({ code: created.code, tier: 'gold' });

    const newCode = `${created.code}_v2`;
    const updated = await t.management.updateGroup({ code: created.code, newCode, name: 'Renamed', description: 'x', customData: { size: 3 } });
    expect(updated.data).toMatchObject({ id: created.id, code: newCode, name: 'Renamed', description: 'x' });
    expect((await t.management.getGroup({ code: created.code })).statusCode).toBe(404);
    expect((await t.management.getGroup({ code: newCode, withCustomData: true })).data).toMatchObject({ customData: { tier: 'gold', size: 3 } });
  });

  it('adds members and answers the relation from both sides, then removes them', async () => {
    const [a, b] = [await user(), await user()];
    const g = await group();
    expect((await t.management.addGroupMembers({ code: g.code, userIds: [a.userId, b.userId] })).statusCode).toBe(200);
    expect((await t.management.addGroupMembers({ code: g.code, userIds: [a.userId] })).statusCode).toBe(200);

    const members = await t.management.listGroupMembers({ code: g.code, withCustomData: true });
    expect(members.data.totalCount).toBe(2);
    expect(members.data.list.map((u) => u.userId).sort()).toEqual([a.userId, b.userId].sort());
    const ofA = await t.management.getUserGroups({ userId: a.username!, userIdType: 'username' });
    expect(ofA.data).toEqual({ list: [expect.objectContaining({ code: g.code })], totalCount: 1 });
    const all = await t.management.getAllGroups({ fetchMembers: true });
    expect(all.data.find((x) => x.code === g.code)!.members.map((u) => u.userId).sort()).toEqual([a.userId, b.userId].sort());

    expect((await t.management.removeGroupMembers({ code: g.code, userIds: [a.userId] })).statusCode).toBe(200);
    expect((await t.management.listGroupMembers({ code: g.code })).data.list.map((u) => u.userId)).toEqual([b.userId]);
    expect((await t.management.getUserGroups({ userId: a.userId })).data.totalCount).toBe(0);
  });

  it('adds members all or nothing and refuses resigned users', async () => {
    const g = await group();
    const [a, b] = [await user(), await user()];
    const partly = await t.management.addGroupMembers({ code: g.code, userIds: [a.userId, '000000000000000000000000'] });
    expect(partly.statusCode).toBe(404);
    expect(partly.message).toMatch(/^userIds: no user in this user pool for "000000000000000000000000"/);
    expect((await t.management.listGroupMembers({ code: g.code })).data.totalCount).toBe(0);

    expect((await t.management.makeRequest({ method: 'POST', url: '/api/v3/resign-user', data: { userId: b.userId } })).statusCode).toBe(200);
    const refused = await t.management.addGroupMembers({ code: g.code, userIds: [a.userId, b.userId] });
    expect(refused.statusCode).toBe(400);
    expect(refused.apiCode).toBe(4607);
    expect(refused.message).toMatch(new RegExp(`^userIds: "${b.userId}" has resigned`));
    expect((await t.management.listGroupMembers({ code: g.code })).data.totalCount).toBe(0);
  });

  it('never leaves a membership behind when adding races with resignation', async () => {
    const g = await group();
    const r = (await t.management.createRole({ code: `r_${uniq()}` })).data;
    for (let i = 0; i < 8; i++) {
      const u = await user();
      await Promise.all([
        t.management.addGroupMembers({ code: g.code, userIds: [u.userId] }),
        t.management.assignRole({ code: r.code, targets: [{ targetType: 'USER' as never, targetIdentifier: u.userId }] }),
        t.management.makeRequest({ method: 'POST', url: '/api/v3/resign-user', data: { userId: u.userId } }),
      ]);
      expect((await t.management.getUser({ userId: u.userId })).data.status).toBe('Resigned');
      expect((await t.management.getUserGroups({ userId: u.userId })).data.totalCount).toBe(0);
      expect((await t.management.getUserRoles({ userId: u.userId })).data.totalCount).toBe(0);
    }
    expect((await t.management.listGroupMembers({ code: g.code })).data.totalCount).toBe(0);
    expect((await t.management.listRoleMembers({ code: r.code })).data.totalCount).toBe(0);
  });

  it('answers validation errors that name the field', async () => {
    const g = await group();
    const cases: Array<[Promise<{ statusCode: number; message: string }>, RegExp]> = [
      [t.management.createGroup({ code: 'x'.repeat(65), name: 'n', description: '' } as never), /^参数 code 格式错误$/],
      [t.management.createGroup({ code: 'a b', name: 'n', description: '' } as never), /^invalid group code: a b$/],
      [t.management.createGroup({ code: `g_${uniq()}`, description: '' } as never), /^invalid body: name: is required/],
      [t.management.createGroup({ code: g.code, name: 'n', description: '' } as never), new RegExp(`^code: group "${g.code}" already exists.*分组标识符已存在`)],
      [t.management.createGroupsBatch({ list: [{ code: 'x'.repeat(65), name: 'n', description: '' }] } as never), /^参数 list 格式错误: list\[0\]\.code/],
      [t.management.addGroupMembers({ code: g.code, userIds: [] }), /^参数 userIds 格式错误/],
      [t.management.addGroupMembers({ code: 'nope', userIds: ['x'] }), /^code: no group "nope" in this user pool$/],
      [t.management.listGroups({ limit: 51 }), /^参数 limit 格式错误/],
      [t.management.listGroupMembers({ code: g.code, page: -1 }), /^参数 page 格式错误/],
      [t.management.deleteGroupsBatch({ codeList: [] }), /^参数 codeList 格式错误/],
      [t.management.updateGroup({ code: g.code, description: '', customData: 'text' } as never), /^customData: must be an object/],
    ];
    for (const [call, message] of cases) {
      const answer = await call;
      expect({ statusCode: answer.statusCode === 200 ? 200 : 'error', message: answer.message }).toEqual({ statusCode: 'error', message: expect.stringMatching(message) });
    }
  });

  it('creates a batch all or nothing', async () => {
    const taken = await group();
    const fresh = `g_${uniq()}`;
    const answer = await t.management.createGroupsBatch({ list: [{ code: fresh, name: 'n', description: '' }, { code: taken.code, name: 'n', description: '' }] } as never);
    expect(answer.statusCode).toBe(409);
    expect(answer.message).toMatch(/^list\[1\]\.code:/);
    expect((await t.management.getGroup({ code: fresh })).statusCode).toBe(404);
  });

  it('deletes groups with their memberships and grants; unknown codes are skipped', async () => {
    const g = await group();
    const u = await user();
    await t.management.addGroupMembers({ code: g.code, userIds: [u.userId] });
    const resource = `res_${uniq()}`;
    await t.management.createResource({ code: resource, type: 'DATA' as never, actions: [{ name: 'read', description: 'r' }] } as never);
    const granted = await t.management.authorizeResources({ list: [{ targetType: 'GROUP' as never, targetIdentifiers: [g.code], resources: [{ code: resource, actions: ['read'], resourceType: 'DATA' as never }] }] } as never);
    expect(granted.statusCode).toBe(200);

    expect((await t.management.deleteGroupsBatch({ codeList: [g.code, 'never-existed'] })).statusCode).toBe(200);
    expect((await t.management.getUserGroups({ userId: u.userId })).data.totalCount).toBe(0);
    await group({ code: g.code });
    expect((await t.management.listGroupMembers({ code: g.code })).data.totalCount).toBe(0);
    const grants = await t.management.makeRequest({ method: 'GET', url: '/api/v3/get-authorized-resources', params: { targetType: 'GROUP', targetIdentifier: g.code } });
    expect(grants.data.totalCount).toBe(0);
  });

  it('drops a deleted user from the group', async () => {
    const g = await group();
    const [a, b] = [await user(), await user()];
    await t.management.addGroupMembers({ code: g.code, userIds: [a.userId, b.userId] });
    await t.management.deleteUsersBatch({ userIds: [a.userId] });
    expect((await t.management.listGroupMembers({ code: g.code })).data.list.map((x) => x.userId)).toEqual([b.userId]);
  });

  it('does not let a second pool see or use the first pool\'s groups and users', async () => {
    const g = await group();
    const u = await user();
    const other = await t.newPool();
    expect((await other.management.getGroup({ code: g.code })).statusCode).toBe(404);
    expect((await other.management.listGroups({})).data.totalCount).toBe(0);
    expect((await other.management.getAllGroups({})).data).toEqual([]);
    await other.management.deleteGroupsBatch({ codeList: [g.code] });
    expect((await t.management.getGroup({ code: g.code })).statusCode).toBe(200);
    await other.management.createGroup({ code: g.code, name: 'theirs', description: '' } as never);
    expect((await other.management.addGroupMembers({ code: g.code, userIds: [u.userId] })).statusCode).toBe(404);
  });
});
