import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { buildDirectory, ok, uniq } from './helpers/fixtures.js';

const t = useTestServer();

async function createAccount(fields: Record<string, unknown> = {}) {
  const answer = await t.management.createPublicAccount({ username: `shared_${uniq()}`, name: 'Front desk', ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

async function createUser() {
  const answer = await t.management.createUser({ username: `person_${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

const idsOf = (list: Array<{ userId: string }>) => list.map((x) => x.userId).sort();

describe('public accounts through the official ManagementClient', () => {
  it('creates, gets, lists, updates and deletes a public account', async () => {
    const account = await createAccount({ email: `Desk_${uniq()}@Example.com`, customData: { site: 'lobby' } });
    expect(account.userId).toMatch(/^[0-9a-f]{24}$/);
    expect(account.status).toBe('Activated');

    const got = await t.management.getPublicAccount({ userId: account.email!, userIdType: 'email', withCustomData: true });
    expect(got.statusCode).toBe(200);
    expect(got.data.userId).toBe(account.userId);
    expect(got.data.customData).toEqual({ site: 'lobby' });

    const updated = await t.management.updatePublicAccount({ userId: account.userId, nickname: 'Desk' } as never);
    expect(updated.statusCode).toBe(200);
    expect(updated.data.nickname).toBe('Desk');

    const listed = await t.management.listPublicAccounts({ keywords: account.username, options: { pagination: { page: 1, limit: 10 } } } as never);
    expect(listed.statusCode).toBe(200);
    expect(listed.data.totalCount).toBe(1);
    expect(listed.data.list[0].userId).toBe(account.userId);

    const deleted = await t.management.deletePublicAccountsBatch({ userIds: [account.userId] });
    expect(deleted.statusCode).toBe(200);
    const gone = await t.management.getPublicAccount({ userId: account.userId });
    expect(gone.statusCode).toBe(404);
  });

  it('creates and updates public accounts in batches, all or nothing', async () => {
    const taken = await createAccount();
    const created = await t.management.createPublicAccountsBatch({ list: [{ username: `a_${uniq()}` }, { username: `b_${uniq()}` }] } as never);
    expect(created.statusCode).toBe(200);
    expect(created.data).toHaveLength(2);

    const refused = await t.management.updatePublicAccountBatch({
      list: [{ userId: created.data[0].userId, name: 'First' }, { userId: created.data[1].userId, username: taken.username }],
    } as never);
    expect(refused.statusCode).toBe(409);
    expect(refused.message).toContain('list[1].username');
    const unchanged = await t.management.getPublicAccount({ userId: created.data[0].userId });
    expect(unchanged.data.name).toBeUndefined();

    const updated = await t.management.updatePublicAccountBatch({
      list: [{ userId: created.data[0].userId, name: 'First' }, { userId: created.data[1].userId, name: 'Second' }],
    } as never);
    expect(updated.statusCode).toBe(200);
    expect(updated.data.map((a) => a.name)).toEqual(['First', 'Second']);

    const batch = await t.management.getPublicAccountBatch({ userIds: [created.data[1].userId, 'ffffffffffffffffffffffff'] });
    expect(batch.statusCode).toBe(200);
    expect(batch.data.map((a) => a.userId)).toEqual([created.data[1].userId]);
  });

  it('keeps public accounts and personal users apart in their own endpoints', async () => {
    const account = await createAccount();
    const person = await createUser();
    expect((await t.management.getPublicAccount({ userId: person.userId })).statusCode).toBe(404);
    const users = await t.management.listUsers({ keywords: account.username } as never);
    expect(users.data.totalCount).toBe(0);
    // A public account is still a user: get-user answers it, so relations keyed by user id work.
    expect((await t.management.getUser({ userId: account.userId })).data.userId).toBe(account.userId);
    const refused = await t.management.deletePublicAccountsBatch({ userIds: [account.userId, person.userId] });
    expect(refused.statusCode).toBe(404);
    expect(refused.message).toContain(person.userId);
    expect((await t.management.getPublicAccount({ userId: account.userId })).statusCode).toBe(200);
  });

  it('binds users to a public account and public accounts to a user, and lists both directions', async () => {
    const [desk, lab] = [await createAccount(), await createAccount()];
    const [ann, bob] = [await createUser(), await createUser()];

    expect((await t.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [ann.userId, bob.userId] })).statusCode).toBe(200);
    expect((await t.management.setuserOfPublicAccount({ userId: ann.userId, publicAccountIds: [lab.userId, desk.userId] })).statusCode).toBe(200);

    const usersOfDesk = await t.management.getUsersOfPublicAccount({ publicAccountId: desk.userId });
    expect(usersOfDesk.statusCode).toBe(200);
    expect(usersOfDesk.data.totalCount).toBe(2);
    expect(idsOf(usersOfDesk.data.list)).toEqual([ann.userId, bob.userId].sort());

    const ofAnn = await t.management.getPublicAccountsOfUser({ userId: ann.userId });
    expect(idsOf(ofAnn.data.list)).toEqual([desk.userId, lab.userId].sort());

    expect((await t.management.unbindUsersPublicAccount({ userId: ann.userId, publicAccountId: desk.userId })).statusCode).toBe(200);
    expect(idsOf((await t.management.getPublicAccountsOfUser({ userId: ann.userId })).data.list)).toEqual([lab.userId]);
    // Safe to retry.
    expect((await t.management.unbindUsersPublicAccount({ userId: ann.userId, publicAccountId: desk.userId })).statusCode).toBe(200);
  });

  it('refuses bindings with unknown ids, personal accounts as public accounts, or public accounts as users', async () => {
    const desk = await createAccount();
    const other = await createAccount();
    const ann = await createUser();
    const unknown = await t.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [ann.userId, 'ffffffffffffffffffffffff'] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.message).toContain('ffffffffffffffffffffffff');
    expect((await t.management.getUsersOfPublicAccount({ publicAccountId: desk.userId })).data.totalCount).toBe(0);

    const personalAsAccount = await t.management.setuserOfPublicAccount({ userId: ann.userId, publicAccountIds: [ann.userId] });
    expect(personalAsAccount.statusCode).toBe(404);
    expect(personalAsAccount.message).toContain('publicAccountIds');

    const accountAsUser = await t.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [other.userId] });
    expect(accountAsUser.statusCode).toBe(400);
    expect(accountAsUser.message).toContain('userIds');
  });

  it('deleting a public account or a user removes their bindings', async () => {
    const desk = await createAccount();
    const lab = await createAccount();
    const [ann, bob] = [await createUser(), await createUser()];
    await t.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [ann.userId, bob.userId] });
    await t.management.bindUsersPublicAccount({ publicAccountId: lab.userId, userIds: [ann.userId] });

    expect((await t.management.deleteUsersBatch({ userIds: [bob.userId] })).statusCode).toBe(200);
    expect(idsOf((await t.management.getUsersOfPublicAccount({ publicAccountId: desk.userId })).data.list)).toEqual([ann.userId]);

    expect((await t.management.deletePublicAccountsBatch({ userIds: [desk.userId] })).statusCode).toBe(200);
    expect(idsOf((await t.management.getPublicAccountsOfUser({ userId: ann.userId })).data.list)).toEqual([lab.userId]);
  });

  it('refuses new bindings for a resigned user and for a resigned public account', async () => {
    const desk = await createAccount();
    const ann = await createUser();
    expect((await t.management.resignUser({ userId: ann.userId })).statusCode).toBe(200);
    const refused = await t.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [ann.userId] });
    expect(refused.statusCode).toBe(400);
    expect(refused.message).toMatch(/resigned/);

    const bob = await createUser();
    expect((await t.management.resignPublicAccountBatch({ userIds: [desk.userId] })).statusCode).toBe(200);
    const toResigned = await t.management.setuserOfPublicAccount({ userId: bob.userId, publicAccountIds: [desk.userId] });
    expect(toResigned.statusCode).toBe(400);
    expect(toResigned.message).toMatch(/resigned/);
  });

  it('keeps one pool from seeing or binding another pool\'s public accounts', async () => {
    const desk = await createAccount();
    const other = await t.newPool();
    expect((await other.management.getPublicAccount({ userId: desk.userId })).statusCode).toBe(404);
    expect((await other.management.listPublicAccounts({} as never)).data.totalCount).toBe(0);
    const stranger = (await other.management.createUser({ username: `x_${uniq()}` } as never)).data;
    const refused = await other.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [stranger.userId] });
    expect(refused.statusCode).toBe(404);
  });

  it('gives public accounts departments, roles, groups and posts, and lists them from both sides', async () => {
    const m = t.management;
    const dir = await buildDirectory(m, { departments: 2, roles: 1, groups: 1, posts: 1, resources: 0 });
    const account = dir.publicAccountId;
    const person = await createUser();
    const [departmentId, otherDepartmentId] = dir.departmentIds;

    expect((await m.setPublicAccountOfDepartments({ userId: account, departments: [{ departmentId, isLeader: false, isMainDepartment: true }] } as never)).statusCode).toBe(200);
    ok(await m.assignRole({ code: dir.roleCodes[0], targets: [{ targetType: 'USER', targetIdentifier: account }, { targetType: 'USER', targetIdentifier: person.userId }] } as never), 'assign-role');
    ok(await m.addGroupMembers({ code: dir.groupCodes[0], userIds: [account, person.userId] }), 'add-group-members');
    expect((await m.setPublicAccountOfnPost({ userId: account, postId: dir.postIds[0] })).statusCode).toBe(200);

    const departments = await m.getPublicAccountDepartments({ userId: account } as never);
    expect(departments.statusCode).toBe(200);
    expect((departments.data as unknown as { list: Array<{ departmentId: string }> }).list.map((d) => d.departmentId)).toEqual([departmentId]);
    const roles = await m.getPublicAccountRoles({ userId: account });
    expect((roles.data as unknown as { list: Array<{ code: string }> }).list.map((r) => r.code)).toEqual(dir.roleCodes);
    const groups = await m.getGroupsOfPublicAccount({ userId: account });
    expect((groups.data as unknown as { list: Array<{ code: string }> }).list.map((g) => g.code)).toEqual(dir.groupCodes);
    const post = await m.getPostOfPublicUser({ userId: account });
    expect((post as unknown as { data: { id: string } }).data.id).toBe(dir.postIds[0]);

    const role = ok<{ id: string }>(await m.getRole({ code: dir.roleCodes[0] }), 'get-role');
    const group = ok<{ id: string }>(await m.getGroup({ code: dir.groupCodes[0] }), 'get-group');
    // Personal users holding the same relation are not listed: these lists are of public accounts.
    for (const answer of [
      await m.getPublicAccountsOfRole({ roleId: role.id }),
      await m.getPublicAccountsOfGroup({ groupId: group.id }),
      await m.getPublicAccountsOfDepartment({ departmentId }),
      await m.getPublicAccountsOfPost({ postId: dir.postIds[0] }),
    ]) {
      expect(answer.statusCode).toBe(200);
      expect(idsOf(answer.data.list)).toEqual([account]);
      expect(answer.data.totalCount).toBe(1);
    }
    expect((await m.getPublicAccountsOfDepartment({ departmentId: otherDepartmentId })).data.totalCount).toBe(0);
    expect((await m.getPublicAccountsOfRole({ roleId: 'ffffffffffffffffffffffff' })).statusCode).toBe(404);
  });

  it('refuses the public-account relation endpoints for personal users', async () => {
    const person = await createUser();
    expect((await t.management.getPublicAccountRoles({ userId: person.userId })).statusCode).toBe(404);
    expect((await t.management.getGroupsOfPublicAccount({ userId: person.userId })).statusCode).toBe(404);
    const refused = await t.management.setPublicAccountOfDepartments({ userId: person.userId, departments: [{ departmentId: 'any' }] } as never);
    expect(refused.statusCode).toBe(404);
    expect(refused.message).toContain('not a public account');
  });

  it('adds roles and groups to a public account by id, and removes a post', async () => {
    const m = t.management;
    const dir = await buildDirectory(m, { departments: 0, roles: 2, groups: 2, posts: 1, resources: 0 });
    const account = dir.publicAccountId;
    const roleIds = await Promise.all(dir.roleCodes.map(async (code) => ok<{ id: string }>(await m.getRole({ code }), 'get-role').id));
    const groupIds = await Promise.all(dir.groupCodes.map(async (code) => ok<{ id: string }>(await m.getGroup({ code }), 'get-group').id));

    const unknownRole = await m.bindPublicAccountOfRoles({ userId: account, roleIds: [roleIds[0], 'ffffffffffffffffffffffff'] });
    expect(unknownRole.statusCode).toBe(404);
    expect(unknownRole.message).toContain('roleIds');
    expect((await m.bindPublicAccountOfRoles({ userId: account, roleIds: [roleIds[0]] })).statusCode).toBe(200);
    expect((await m.bindPublicAccountOfRoles({ userId: account, roleIds })).statusCode).toBe(200);
    const roles = await m.getPublicAccountRoles({ userId: account });
    expect((roles.data as unknown as { list: Array<{ code: string }> }).list.map((r) => r.code).sort()).toEqual([...dir.roleCodes].sort());

    expect((await m.getPublicAccountOfGroups({ userId: account, groupIds })).statusCode).toBe(200);
    const groups = await m.getGroupsOfPublicAccount({ userId: account });
    expect((groups.data as unknown as { list: Array<{ code: string }> }).list.map((g) => g.code).sort()).toEqual([...dir.groupCodes].sort());

    await m.setPublicAccountOfnPost({ userId: account, postId: dir.postIds[0] });
    expect((await m.unbindPublicAccountOfPost({ userId: account, postId: dir.postIds[0] })).statusCode).toBe(200);
    expect((await m.getPublicAccountsOfPost({ postId: dir.postIds[0] })).data.totalCount).toBe(0);
    expect((await m.unbindPublicAccountOfPost({ userId: account, postId: dir.postIds[0] })).statusCode).toBe(200);
  });

  it('refuses new roles and groups for a resigned public account', async () => {
    const m = t.management;
    const dir = await buildDirectory(m, { departments: 0, roles: 1, groups: 1, posts: 0, resources: 0 });
    const resigned = await m.resignPublicAccountBatch({ userIds: [dir.publicAccountId] });
    expect(resigned.statusCode).toBe(200);
    const roleId = ok<{ id: string }>(await m.getRole({ code: dir.roleCodes[0] }), 'get-role').id;
    const groupId = ok<{ id: string }>(await m.getGroup({ code: dir.groupCodes[0] }), 'get-group').id;
    const role = await m.bindPublicAccountOfRoles({ userId: dir.publicAccountId, roleIds: [roleId] });
    expect(role.statusCode).toBe(400);
    expect(role.message).toMatch(/resigned/);
    const group = await m.getPublicAccountOfGroups({ userId: dir.publicAccountId, groupIds: [groupId] });
    expect(group.statusCode).toBe(400);
    const person = await createUser();
    const binding = await m.bindUsersPublicAccount({ publicAccountId: dir.publicAccountId, userIds: [person.userId] });
    expect(binding.statusCode).toBe(400);
    expect(binding.message).toMatch(/resigned/);
  });

  it('turns a personal account into a public account, keeping its id and dropping its own bindings', async () => {
    const desk = await createAccount();
    const ann = await createUser();
    const bob = await createUser();
    await t.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [ann.userId, bob.userId] });

    expect((await t.management.changeIntoPublicAccount({ userId: ann.userId })).statusCode).toBe(200);
    expect((await t.management.getPublicAccount({ userId: ann.userId })).data.userId).toBe(ann.userId);
    expect(idsOf((await t.management.getUsersOfPublicAccount({ publicAccountId: desk.userId })).data.list)).toEqual([bob.userId]);
    expect((await t.management.bindUsersPublicAccount({ publicAccountId: ann.userId, userIds: [bob.userId] })).statusCode).toBe(200);
    // Safe to retry.
    expect((await t.management.changeIntoPublicAccount({ userId: ann.userId })).statusCode).toBe(200);
    expect(idsOf((await t.management.getUsersOfPublicAccount({ publicAccountId: ann.userId })).data.list)).toEqual([bob.userId]);
  });
});
