import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();

async function organization() {
  const org = (await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: 'Org' } as never)).data;
  return { code: org.organizationCode, rootId: org.departmentId };
}

async function department(organizationCode: string, parentDepartmentId: string, fields: Record<string, unknown> = {}) {
  const answer = await t.management.createDepartment({ organizationCode, parentDepartmentId, name: `Dept ${uniq()}`, ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

async function user() {
  const answer = await t.management.createUser({ username: `u_${uniq()}`, name: `Person ${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

describe('the department tree', () => {
  it('creates departments under root and under each other, and gets them by id, code and open id', async () => {
    const org = await organization();
    const code = `eng_${uniq()}`;
    const eng = await department(org.code, 'root', { code, openDepartmentId: `open_${code}`, description: 'builders', customData: { floor: 3 } });
    expect(eng).toMatchObject({ organizationCode: org.code, parentDepartmentId: org.rootId, parentDepartmentCode: org.code, code, membersCount: 0, hasChildren: false, status: true });
    const backend = await department(org.code, code, { departmentIdType: 'code' });
    expect(backend.parentDepartmentId).toBe(eng.departmentId);

    for (const [departmentId, departmentIdType] of [[eng.departmentId, 'department_id'], [code, 'code'], [`open_${code}`, 'open_department_id']] as const) {
      const got = await t.management.getDepartment({ organizationCode: org.code, departmentId, departmentIdType, withCustomData: true });
      expect({ departmentIdType, id: got.data?.departmentId, customData: got.data?.customData }).toEqual({ departmentIdType, id: eng.departmentId, customData: { floor: 3 } });
    }
    const byCode = await t.management.getDepartment({ organizationCode: org.code, departmentCode: code });
    expect(byCode.data.departmentId).toBe(eng.departmentId);
    const flat = await t.management.getDepartment({ organizationCode: org.code, departmentId: eng.departmentId, flatCustomData: true });
    expect((flat.data as unknown as Record<string, unknown>).floor).toBe(3);
    const parent = await t.management.getDepartment({ organizationCode: org.code, departmentId: eng.departmentId });
    expect(parent.data.hasChildren).toBe(true);
  });

  it('refuses a duplicate code, an unknown parent and an unsupported id type, naming the field', async () => {
    const org = await organization();
    const code = `dup_${uniq()}`;
    await department(org.code, org.rootId, { code });
    const dup = await t.management.createDepartment({ organizationCode: org.code, parentDepartmentId: org.rootId, name: 'x', code } as never);
    expect(dup.statusCode).toBe(409);
    expect(dup.message).toMatch(/^code: /);
    const orphan = await t.management.createDepartment({ organizationCode: org.code, parentDepartmentId: 'ffffffffffffffffffffffff', name: 'x' } as never);
    expect(orphan.statusCode).toBe(404);
    expect(orphan.message).toMatch(/^parentDepartmentId: no department "ffffffffffffffffffffffff"/);
    const type = await t.management.createDepartment({ organizationCode: org.code, parentDepartmentId: org.rootId, name: 'x', departmentIdType: 'sync_relation' } as never);
    expect(type.statusCode).toBe(400);
    expect(type.message).toMatch(/^departmentIdType: unsupported type "sync_relation"/);
    const nameless = await t.management.createDepartment({ organizationCode: org.code, parentDepartmentId: org.rootId } as never);
    expect(nameless.statusCode).toBe(400);
    expect(nameless.message).toMatch(/name: is required/);
    const unknownOrg = await t.management.createDepartment({ organizationCode: `nope_${uniq()}`, parentDepartmentId: 'root', name: 'x' } as never);
    expect(unknownOrg.statusCode).toBe(404);
    expect(unknownOrg.message).toMatch(/^organization not found for code: nope_/);
  });

  it('updates and moves a department, refusing a move below itself', async () => {
    const org = await organization();
    const a = await department(org.code, org.rootId);
    const b = await department(org.code, a.departmentId);
    const moved = await t.management.updateDepartment({ organizationCode: org.code, departmentId: b.departmentId, parentDepartmentId: 'root', name: 'B', code: `b_${uniq()}`, status: false } as never);
    expect(moved.statusCode).toBe(200);
    expect(moved.data).toMatchObject({ parentDepartmentId: org.rootId, name: 'B', status: false });
    const loop = await t.management.updateDepartment({ organizationCode: org.code, departmentId: org.rootId, parentDepartmentId: a.departmentId } as never);
    expect(loop.message).toBe('parentDepartmentId: the root department cannot be moved');
    const c = await department(org.code, a.departmentId);
    const cycle = await t.management.updateDepartment({ organizationCode: org.code, departmentId: a.departmentId, parentDepartmentId: c.departmentId } as never);
    expect(cycle.statusCode).toBe(400);
    expect(cycle.message).toBe('parentDepartmentId: a department cannot move below itself');
  });

  it('lists every department below one, root by default', async () => {
    const org = await organization();
    const a = await department(org.code, org.rootId);
    const b = await department(org.code, a.departmentId);
    const c = await department(org.code, org.rootId);
    const all = await t.management.getAllDepartments({ organizationCode: org.code });
    expect(all.data.list.map((d) => d.departmentId)).toEqual([a.departmentId, b.departmentId, c.departmentId]);
    const below = await t.management.getAllDepartments({ organizationCode: org.code, departmentId: a.departmentId });
    expect(below.data.list.map((d) => d.departmentId)).toEqual([b.departmentId]);
  });

  it('lists children, searches by name or code and answers the parent', async () => {
    const org = await organization();
    const tag = uniq();
    const a = await department(org.code, org.rootId, { name: `Alpha ${tag}` });
    const v = await department(org.code, org.rootId, { code: `beta_${tag}`, isVirtualNode: true });
    await department(org.code, a.departmentId, { name: `Grandchild ${tag}` });

    const children = await t.management.listChildrenDepartments({ organizationCode: org.code, departmentId: 'root' });
    expect(children.data.list.map((d) => d.departmentId)).toEqual([a.departmentId, v.departmentId]);
    const real = await t.management.listChildrenDepartments({ organizationCode: org.code, departmentId: 'root', excludeVirtualNode: true });
    expect(real.data.list.map((d) => d.departmentId)).toEqual([a.departmentId]);

    const found = await t.management.searchDepartments({ organizationCode: org.code, keywords: tag.toUpperCase() });
    expect(found.data.map((d) => d.name ?? d.code).length).toBe(3);
    const parent = await t.management.getParentDepartment({ organizationCode: org.code, departmentId: a.departmentId });
    expect(parent.data.departmentId).toBe(org.rootId);
    const rootParent = await t.management.getParentDepartment({ organizationCode: org.code, departmentId: 'root' });
    expect(rootParent.statusCode).toBe(404);
  });
});

describe('department members, in both directions', () => {
  it('adds members and sees them from the department and from the user', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId, { code: `d_${uniq()}` });
    const [a, b] = [await user(), await user()];
    const added = await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, userIds: [a.userId, b.userId] });
    expect(added.statusCode).toBe(200);
    // Adding again changes nothing.
    expect((await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: dept.code!, departmentIdType: 'code', userIds: [a.userId] } as never)).statusCode).toBe(200);

    const members = await t.management.listDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, withDepartmentIds: true });
    expect(members.data.totalCount).toBe(2);
    expect(members.data.list.map((u) => u.userId).sort()).toEqual([a.userId, b.userId].sort());
    expect(members.data.list[0].departmentIds).toEqual([dept.departmentId]);
    const ids = await t.management.listDepartmentMemberIds({ organizationCode: org.code, departmentId: dept.departmentId });
    expect(ids.data.sort()).toEqual([a.userId, b.userId].sort());
    expect((await t.management.getDepartment({ organizationCode: org.code, departmentId: dept.departmentId })).data.membersCount).toBe(2);

    const mine = await t.management.getUserDepartments({ userId: a.userId, withDepartmentPaths: true });
    expect(mine.data.totalCount).toBe(1);
    expect(mine.data.list[0]).toMatchObject({ departmentId: dept.departmentId, organizationCode: org.code, isRoot: false, isLeader: false, departmentIdPath: [org.rootId, dept.departmentId], departmentCodePath: [org.code, dept.code] });
    const viaUser = await t.management.getUser({ userId: a.userId, withDepartmentIds: true });
    expect(viaUser.data.departmentIds).toEqual([dept.departmentId]);
    const inIt = await t.management.isUserInDepartment({ organizationCode: org.code, departmentId: dept.departmentId, userId: a.userId });
    expect(inIt.data.inDepartment).toBe(true);
  });

  it('counts members of child departments only when asked to include them', async () => {
    const org = await organization();
    const parent = await department(org.code, org.rootId);
    const child = await department(org.code, parent.departmentId);
    const u = await user();
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: child.departmentId, userIds: [u.userId] });
    const direct = await t.management.listDepartmentMembers({ organizationCode: org.code, departmentId: parent.departmentId });
    expect(direct.data.totalCount).toBe(0);
    const all = await t.management.listDepartmentMembers({ organizationCode: org.code, departmentId: parent.departmentId, includeChildrenDepartments: true });
    expect(all.data.list.map((m) => m.userId)).toEqual([u.userId]);
    expect((await t.management.isUserInDepartment({ organizationCode: org.code, departmentId: parent.departmentId, userId: u.userId })).data.inDepartment).toBe(false);
    expect((await t.management.isUserInDepartment({ organizationCode: org.code, departmentId: parent.departmentId, userId: u.userId, includeChildrenDepartments: true })).data.inDepartment).toBe(true);
    const searched = await t.management.searchDepartmentMembers({ organizationCode: org.code, departmentId: parent.departmentId, keywords: u.username!, includeChildrenDepartments: true });
    expect(searched.data.list.map((m) => m.userId)).toEqual([u.userId]);
  });

  it('filters list-users by department, with or without child departments', async () => {
    const org = await organization();
    const parent = await department(org.code, org.rootId);
    const child = await department(org.code, parent.departmentId);
    const [a, b] = [await user(), await user()];
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: parent.departmentId, userIds: [a.userId] });
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: child.departmentId, userIds: [b.userId] });
    const list = async (includeChildrenDepartments: boolean) => {
      const answer = await t.management.listUsers({
        advancedFilter: [{ field: 'department', operator: 'IN', value: [{ organizationCode: org.code, departmentId: parent.departmentId, includeChildrenDepartments }] }],
        options: { pagination: { page: 1, limit: 50 } },
      } as never);
      expect(answer.statusCode).toBe(200);
      return answer.data.list.map((u) => u.userId).sort();
    };
    expect(await list(false)).toEqual([a.userId]);
    expect(await list(true)).toEqual([a.userId, b.userId].sort());
    const empty = await t.management.listUsers({ advancedFilter: [{ field: 'department', operator: 'IN', value: [{ organizationCode: org.code, departmentId: child.departmentId }] }], keywords: a.username } as never);
    expect(empty.data).toEqual({ list: [], totalCount: 0 });
    const bad = await t.management.listUsers({ advancedFilter: [{ field: 'department', operator: 'EQUAL', value: 'x' }] } as never);
    expect(bad.statusCode).toBe(400);
    expect(bad.message).toMatch(/^advancedFilter\[0\]\.operator: /);
  });

  it('removes members', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId);
    const u = await user();
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, userIds: [u.userId] });
    const removed = await t.management.removeDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, userIds: [u.userId] });
    expect(removed.statusCode).toBe(200);
    expect((await t.management.listDepartmentMemberIds({ organizationCode: org.code, departmentId: dept.departmentId })).data).toEqual([]);
    expect((await t.management.getUserDepartments({ userId: u.userId })).data.totalCount).toBe(0);
  });

  it('adds nobody when one user id does not resolve, and names it', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId);
    const u = await user();
    const answer = await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, userIds: [u.userId, 'ffffffffffffffffffffffff'] });
    expect(answer.statusCode).toBe(404);
    expect(answer.message).toMatch(/userIds: .*"ffffffffffffffffffffffff"/);
    expect((await t.management.listDepartmentMemberIds({ organizationCode: org.code, departmentId: dept.departmentId })).data).toEqual([]);
  });

  it('removes a resigned user from every department and refuses to give them one again', async () => {
    const org = await organization();
    const [a, b] = [await department(org.code, org.rootId), await department(org.code, org.rootId)];
    const u = await user();
    await t.management.setUserDepartments({ userId: u.userId, departments: [{ departmentId: a.departmentId, isLeader: true }] } as never);
    const resigned = await t.management.makeRequest({ method: 'POST', url: '/api/v3/resign-user', data: { userId: u.userId } });
    expect(resigned.statusCode).toBe(200);
    expect((await t.management.getUserDepartments({ userId: u.userId })).data.totalCount).toBe(0);
    expect((await t.management.getDepartment({ organizationCode: org.code, departmentId: a.departmentId })).data.leaderUserIds).toEqual([]);

    const refusals = [
      await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: b.departmentId, userIds: [u.userId] }),
      await t.management.setUserDepartments({ userId: u.userId, departments: [{ departmentId: b.departmentId }] } as never),
      await t.management.updateDepartment({ organizationCode: org.code, departmentId: b.departmentId, leaderUserIds: [u.userId] } as never),
    ];
    for (const answer of refusals) {
      expect({ statusCode: answer.statusCode, message: answer.message }).toEqual({ statusCode: 400, message: expect.stringMatching(/resigned/) });
    }
    expect((await t.management.listDepartmentMemberIds({ organizationCode: org.code, departmentId: b.departmentId })).data).toEqual([]);
  });

  it('never leaves a membership behind when adding members races with resignation', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId);
    for (let round = 0; round < 8; round++) {
      const u = await user();
      await Promise.all([
        t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, userIds: [u.userId] }),
        t.management.makeRequest({ method: 'POST', url: '/api/v3/resign-user', data: { userId: u.userId } }),
      ]);
      expect((await t.management.getUserDepartments({ userId: u.userId })).data.totalCount).toBe(0);
    }
  });

  it('makes exactly the given users leaders: a member keeps their join time, others join, a former leader stays a member, a repeated id counts once', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId);
    const [member, former, newcomer] = [await user(), await user(), await user()];
    const ref = { organizationCode: org.code, departmentId: dept.departmentId };
    await t.management.addDepartmentMembers({ ...ref, userIds: [member.userId] });
    expect((await t.management.updateDepartment({ ...ref, leaderUserIds: [former.userId] } as never)).statusCode).toBe(200);
    const joined = (await t.management.getUserDepartments({ userId: member.userId })).data.list[0].joinedAt;

    const answer = await t.management.updateDepartment({ ...ref, leaderUserIds: [member.userId, newcomer.userId, member.userId] } as never);
    expect(answer.statusCode).toBe(200);
    expect([...((await t.management.getDepartment(ref)).data.leaderUserIds ?? [])].sort()).toEqual([member.userId, newcomer.userId].sort());
    expect((await t.management.listDepartmentMemberIds(ref)).data.sort()).toEqual([member.userId, former.userId, newcomer.userId].sort());
    expect((await t.management.getUserDepartments({ userId: member.userId })).data.list[0]).toMatchObject({ joinedAt: joined, isLeader: true });
    expect((await t.management.getUserDepartments({ userId: former.userId })).data.list[0]).toMatchObject({ isLeader: false });
  });

  it('sets a user\'s departments to exactly the given ones, with leader and main flags', async () => {
    const org = await organization();
    const [a, b, c] = [await department(org.code, org.rootId), await department(org.code, org.rootId), await department(org.code, org.rootId)];
    const u = await user();
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: a.departmentId, userIds: [u.userId] });
    const set = await t.management.setUserDepartments({ userId: u.username!, options: { userIdType: 'username' }, departments: [{ departmentId: b.departmentId, isLeader: true, isMainDepartment: true }, { departmentId: c.departmentId }] } as never);
    expect(set.statusCode).toBe(200);
    const mine = await t.management.getUserDepartments({ userId: u.userId, sortBy: 'DepartmentCreatedAt', orderBy: 'Asc' });
    expect(mine.data.list.map((d) => [d.departmentId, d.isLeader, d.isMainDepartment])).toEqual([[b.departmentId, true, true], [c.departmentId, false, false]]);
    expect((await t.management.getDepartment({ organizationCode: org.code, departmentId: b.departmentId })).data.leaderUserIds).toEqual([u.userId]);

    const bad = await t.management.setUserDepartments({ userId: u.userId, departments: [{ departmentId: c.departmentId }, { departmentId: 'nope' }] } as never);
    expect(bad.statusCode).toBe(404);
    expect(bad.message).toBe('存在不合法的 departmentId: nope');
    expect((await t.management.getUserDepartments({ userId: u.userId })).data.totalCount).toBe(2);

    const empty = await t.management.setUserDepartments({ userId: u.userId, departments: [] } as never);
    expect(empty.statusCode).toBe(400);
    expect(empty.message).toMatch(/^invalid body: departments: /);
    expect((await t.management.getUserDepartments({ userId: u.userId })).data.totalCount).toBe(2);
  });

  it('places a new user in departments given by code at creation', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId, { code: `new_${uniq()}` });
    const created = await t.management.createUser({ username: `placed_${uniq()}`, departmentIds: [dept.code], options: { departmentIdType: 'code' } } as never);
    expect(created.statusCode).toBe(200);
    expect((await t.management.listDepartmentMemberIds({ organizationCode: org.code, departmentId: dept.departmentId })).data).toEqual([created.data.userId]);
    const missing = await t.management.createUser({ username: `lost_${uniq()}`, departmentIds: ['nowhere'], options: { departmentIdType: 'code' } } as never);
    expect(missing.statusCode).toBe(404);
    expect(missing.message).toMatch(/^departmentIds\[0\]: no department "nowhere"/);
  });

  it('deletes a department with its subtree and their memberships, and refuses to delete the root', async () => {
    const org = await organization();
    const parent = await department(org.code, org.rootId);
    const child = await department(org.code, parent.departmentId);
    const u = await user();
    await t.management.setUserDepartments({ userId: u.userId, departments: [{ departmentId: child.departmentId }, { departmentId: org.rootId }] } as never);
    const deleted = await t.management.deleteDepartment({ organizationCode: org.code, departmentId: parent.departmentId });
    expect(deleted.statusCode).toBe(200);
    expect((await t.management.getDepartment({ organizationCode: org.code, departmentId: child.departmentId })).statusCode).toBe(404);
    const mine = await t.management.getUserDepartments({ userId: u.userId });
    expect(mine.data.list.map((d) => d.departmentId)).toEqual([org.rootId]);
    const root = await t.management.deleteDepartment({ organizationCode: org.code, departmentId: 'root' });
    expect(root.statusCode).toBe(400);
  });

  it('takes role assignments of a deleted subtree with it', async () => {
    const org = await organization();
    const parent = await department(org.code, org.rootId);
    const child = await department(org.code, parent.departmentId);
    const code = `role_${uniq()}`;
    expect((await t.management.createRole({ code } as never)).statusCode).toBe(200);
    const assigned = await t.management.assignRole({ code, targets: [{ targetType: 'DEPARTMENT', targetIdentifier: child.departmentId }] } as never);
    expect(assigned.statusCode).toBe(200);
    expect((await t.management.listRoleDepartments({ code })).data.totalCount).toBe(1);
    await t.management.deleteDepartment({ organizationCode: org.code, departmentId: parent.departmentId });
    expect((await t.management.listRoleDepartments({ code })).data.totalCount).toBe(0);
  });

  it('takes resource grants of a deleted subtree and of a deleted organization with them', async () => {
    const org = await organization();
    const parent = await department(org.code, org.rootId);
    const child = await department(org.code, parent.departmentId);
    const code = `res_${uniq()}`;
    expect((await t.management.createResource({ code, type: 'DATA' as never, actions: [{ name: 'read', description: '' }] })).statusCode).toBe(200);
    const grant = (departmentId: string) =>
      t.management.authorizeResources({ list: [{ targetType: 'DEPARTMENT', targetIdentifiers: [departmentId], resources: [{ code, actions: ['read'], resourceType: 'DATA' }] }] } as never);
    expect((await grant(child.departmentId)).statusCode).toBe(200);
    expect((await grant(org.rootId)).statusCode).toBe(200);
    const targets = async () => (await t.management.getResourceAuthorizedTargets({ resource: code } as never)).data as unknown as { totalCount: number };

    expect((await targets()).totalCount).toBe(2);
    await t.management.deleteDepartment({ organizationCode: org.code, departmentId: parent.departmentId });
    expect((await targets()).totalCount).toBe(1);
    await t.management.deleteOrganization({ organizationCode: org.code });
    expect((await targets()).totalCount).toBe(0);
  });

  it('lets deleting a user take its memberships with it', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId);
    const u = await user();
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, userIds: [u.userId] });
    await t.management.deleteUsersBatch({ userIds: [u.userId] });
    expect((await t.management.getDepartment({ organizationCode: org.code, departmentId: dept.departmentId })).data.membersCount).toBe(0);
  });

  it('keeps another pool away from this pool\'s departments and members', async () => {
    const org = await organization();
    const dept = await department(org.code, org.rootId);
    const u = await user();
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: dept.departmentId, userIds: [u.userId] });
    const other = await t.newPool();
    const theirs = (await other.management.createOrganization({ organizationCode: org.code, organizationName: 'Theirs' } as never)).data;
    const probe = await other.management.getDepartment({ organizationCode: org.code, departmentId: dept.departmentId });
    expect(probe.statusCode).toBe(404);
    const add = await other.management.addDepartmentMembers({ organizationCode: org.code, departmentId: theirs.departmentId, userIds: [u.userId] });
    expect(add.statusCode).toBe(404);
    const set = await other.management.setUserDepartments({ userId: u.userId, departments: [{ departmentId: dept.departmentId }] } as never);
    expect(set.statusCode).toBe(404);
    expect((await t.management.listDepartmentMemberIds({ organizationCode: org.code, departmentId: dept.departmentId })).data).toEqual([u.userId]);
  });
});
