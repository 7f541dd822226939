import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
const USER = 'USER' as never;
const DEPARTMENT = 'DEPARTMENT' as never;

async function user() {
  const answer = await t.management.createUser({ username: `u_${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

async function role(fields: Record<string, unknown> = {}) {
  const answer = await t.management.createRole({ code: `r_${uniq()}`, name: 'Role', description: 'd', ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

async function department() {
  const org = (await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: 'Org' } as never)).data;
  const dept = await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: `Dept ${uniq()}`, code: `d_${uniq()}` } as never);
  expect(dept.statusCode).toBe(200);
  return { ...dept.data, organizationCode: org.organizationCode };
}

const userTargets = (...ids: string[]) => ids.map((id) => ({ targetType: USER, targetIdentifier: id }));

describe('roles through the official ManagementClient', () => {
  it('creates, gets, lists and renames a role, answering the RoleDto', async () => {
    const created = await role({ disableTime: '1893456000000' });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/), code: created.code, name: 'Role', description: 'd', namespace: 'default', namespaceName: 'Default',
      status: 'ENABLE', disableTime: 1893456000000, enablePermissionApply: false,
    });
    expect((await t.management.getRole({ code: created.code })).data).toEqual(created);
    expect((await t.management.listRoles({ keywords: created.code })).data).toEqual({ list: [created], totalCount: 1 });

    const newCode = `${created.code}_v2`;
    const updated = await t.management.updateRole({ code: created.code, newCode, name: 'Renamed', status: 'DISABLE' } as never);
    expect(updated.data.success).toBe(true);
    expect((await t.management.getRole({ code: created.code })).statusCode).toBe(404);
    expect((await t.management.getRole({ code: newCode })).data).toMatchObject({ id: created.id, name: 'Renamed', status: 'DISABLE' });
  });

  it('keeps codes unique per namespace, not per pool', async () => {
    const ns = `ns_${uniq()}`;
    await t.management.createNamespace({ code: ns });
    const first = await role();
    const same = await t.management.createRole({ code: first.code, namespace: ns });
    expect(same.data.namespace).toBe(ns);
    const dup = await t.management.createRole({ code: first.code });
    expect(dup.statusCode).toBe(409);
    expect(dup.message).toMatch(new RegExp(`^code: role "${first.code}" already exists in namespace "default"`));
  });

  it('assigns users and answers the relation from both sides, then revokes it', async () => {
    const [a, b] = [await user(), await user()];
    const r = await role();
    expect((await t.management.assignRole({ code: r.code, targets: userTargets(a.userId, b.userId) })).statusCode).toBe(200);
    // Assigning again is not an error and adds nothing.
    expect((await t.management.assignRole({ code: r.code, targets: userTargets(a.userId) })).statusCode).toBe(200);

    const members = await t.management.listRoleMembers({ code: r.code });
    expect(members.data.totalCount).toBe(2);
    expect(members.data.list.map((u) => u.userId).sort()).toEqual([a.userId, b.userId].sort());
    const ofA = await t.management.getUserRoles({ userId: a.username!, userIdType: 'username' });
    expect(ofA.data).toEqual({ list: [expect.objectContaining({ code: r.code, namespace: 'default' })], totalCount: 1 });
    expect((await t.management.hasAnyRole({ userId: a.userId, roles: [{ code: 'nope' }, { code: r.code, namespace: 'default' }] })).data.hasAnyRole).toBe(true);

    expect((await t.management.revokeRole({ code: r.code, targets: userTargets(a.userId) })).statusCode).toBe(200);
    expect((await t.management.listRoleMembers({ code: r.code })).data.list.map((u) => u.userId)).toEqual([b.userId]);
    expect((await t.management.getUserRoles({ userId: a.userId })).data.totalCount).toBe(0);
    expect((await t.management.hasAnyRole({ userId: a.userId, roles: [{ code: r.code }] })).data.hasAnyRole).toBe(false);
  });

  it('assigns and revokes several roles across namespaces in one call', async () => {
    const ns = `ns_${uniq()}`;
    await t.management.createNamespace({ code: ns });
    const [r1, r2] = [await role(), await role({ namespace: ns })];
    const u = await user();
    const roles = [{ code: r1.code }, { code: r2.code, namespace: ns }];
    expect((await t.management.assignRoleBatch({ roles, targets: userTargets(u.userId) })).statusCode).toBe(200);
    expect((await t.management.getUserRoles({ userId: u.userId })).data.list.map((x) => x.code)).toEqual([r1.code]);
    expect((await t.management.getUserRoles({ userId: u.userId, namespace: ns })).data.list.map((x) => x.code)).toEqual([r2.code]);
    expect((await t.management.revokeRoleBatch({ roles, targets: userTargets(u.userId) })).statusCode).toBe(200);
    expect((await t.management.hasAnyRole({ userId: u.userId, roles })).data.hasAnyRole).toBe(false);
  });

  it('assigns a department and lists the role\'s departments; deleting the department removes the assignment', async () => {
    const dept = await department();
    const r = await role();
    const assigned = await t.management.assignRole({ code: r.code, targets: [{ targetType: DEPARTMENT, targetIdentifier: dept.departmentId }] });
    expect(assigned.statusCode).toBe(200);
    const listed = await t.management.listRoleDepartments({ code: r.code });
    expect(listed.data).toEqual({ list: [{ id: dept.departmentId, code: dept.code, name: dept.name, description: '' }], totalCount: 1 });
    // Users of the role are only the users assigned directly.
    expect((await t.management.listRoleMembers({ code: r.code })).data.totalCount).toBe(0);

    expect((await t.management.deleteDepartment({ organizationCode: dept.organizationCode, departmentId: dept.departmentId })).statusCode).toBe(200);
    expect((await t.management.listRoleDepartments({ code: r.code })).data.totalCount).toBe(0);
  });

  it('lists the roles that count for a user: direct ones, then those of a department the user is in or below, as grants are evaluated', async () => {
    const parent = await department();
    const child = await t.management.createDepartment({ organizationCode: parent.organizationCode, parentDepartmentId: parent.departmentId, name: 'Child', code: `c_${uniq()}` } as never);
    const u = await user();
    await t.management.addDepartmentMembers({ organizationCode: parent.organizationCode, departmentId: child.data.departmentId, userIds: [u.userId] });
    const [direct, inherited, disabled] = [await role(), await role(), await role()];
    await t.management.assignRole({ code: direct.code, targets: userTargets(u.userId) });
    await t.management.assignRole({ code: inherited.code, targets: [{ targetType: DEPARTMENT, targetIdentifier: parent.departmentId }] });
    await t.management.assignRole({ code: disabled.code, targets: [{ targetType: DEPARTMENT, targetIdentifier: parent.departmentId }] });
    await t.management.updateRole({ code: disabled.code, newCode: disabled.code, status: 'DISABLE' } as never);
    expect((await t.management.getUserRoles({ userId: u.userId })).data.list.map((r) => r.code)).toEqual([direct.code, inherited.code]);

    // The same roles open a resource: a grant to the inherited role reaches the user, one to the disabled role does not.
    const resource = `res_${uniq()}`;
    await t.management.createResource({ code: resource, type: 'DATA', actions: [{ name: 'read' }] } as never);
    expect((await t.management.authorizeResources({ list: [{ targetType: 'ROLE', targetIdentifiers: [disabled.code], resources: [{ resourceType: 'DATA', code: resource, actions: ['read'] }] }] } as never)).statusCode).toBe(200);
    expect((await t.management.isActionAllowed({ userId: u.userId, resource, action: 'read' })).data.allowed).toBe(false);
    await t.management.authorizeResources({ list: [{ targetType: 'ROLE', targetIdentifiers: [inherited.code], resources: [{ resourceType: 'DATA', code: resource, actions: ['read'] }] }] } as never);
    expect((await t.management.isActionAllowed({ userId: u.userId, resource, action: 'read' })).data.allowed).toBe(true);

    await t.management.removeDepartmentMembers({ organizationCode: parent.organizationCode, departmentId: child.data.departmentId, userIds: [u.userId] });
    expect((await t.management.getUserRoles({ userId: u.userId })).data.list.map((r) => r.code)).toEqual([direct.code]);
  });

  it('refuses targets that do not exist, naming them, and changes nothing', async () => {
    const r = await role();
    const u = await user();
    const ghost = await t.management.assignRole({ code: r.code, targets: [...userTargets(u.userId), { targetType: DEPARTMENT, targetIdentifier: 'ffffffffffffffffffffffff' }] });
    expect(ghost.statusCode).toBe(404);
    expect(ghost.message).toMatch(/^targets: no department "ffffffffffffffffffffffff" in this user pool/);
    const nobody = await t.management.assignRole({ code: r.code, targets: userTargets('000000000000000000000000') });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.message).toMatch(/^targets: no user in this user pool for "000000000000000000000000".*用户不存在/);
    expect((await t.management.listRoleMembers({ code: r.code })).data.totalCount).toBe(0);
  });

  it('refuses to give a role to a resigned user', async () => {
    const r = await role();
    const u = await user();
    const resigned = await t.management.makeRequest({ method: 'POST', url: '/api/v3/resign-user', data: { userId: u.userId } });
    expect(resigned.statusCode).toBe(200);
    const answer = await t.management.assignRole({ code: r.code, targets: userTargets(u.userId) });
    expect(answer.statusCode).toBe(400);
    expect(answer.apiCode).toBe(4607);
    expect(answer.message).toMatch(/^targets: ".*" has resigned/);
  });

  it('answers validation errors that name the field', async () => {
    const r = await role();
    const cases: Array<[Promise<{ statusCode: number; message: string }>, RegExp]> = [
      [t.management.createRole({ code: '' }), /^参数 code 格式错误$/],
      [t.management.createRole({ code: 'has space' }), /^invalid role code: has space$/],
      [t.management.updateRole({ code: r.code, newCode: 'x'.repeat(65) } as never), /^参数 newCode 格式错误$/],
      [t.management.assignRole({ code: r.code, targets: [] }), /^参数 targets 格式错误/],
      [t.management.assignRole({ code: r.code, targets: [{ targetType: 'GROUP' as never, targetIdentifier: 'g' }] }), /^targets\[0\]\.targetType: a role is assigned to USER or DEPARTMENT/],
      [t.management.listRoles({ page: 0 }), /^参数 page 格式错误/],
      [t.management.listRoles({ limit: 51 }), /^参数 limit 格式错误/],
      [t.management.deleteRolesBatch({ codeList: [] }), /^参数 codeList 格式错误/],
      [t.management.getRole({ code: r.code, namespace: 'nowhere' }), /^namespace: no permission namespace "nowhere" in this user pool$/],
      [t.management.getRole({ code: 'nope' }), /^code: no role "nope" in namespace "default"$/],
      [t.management.assignRole({ code: r.code, targets: [{ targetIdentifier: 'x' }] } as never), /targets\.0\.targetType: is required|targets\[0\]\.targetType/],
    ];
    for (const [call, message] of cases) {
      const answer = await call;
      expect({ statusCode: answer.statusCode === 200 ? 200 : 'error', message: answer.message }).toEqual({ statusCode: 'error', message: expect.stringMatching(message) });
    }
  });

  it('deletes roles all or nothing, with their assignments and grants', async () => {
    const [r1, r2] = [await role(), await role()];
    const u = await user();
    await t.management.assignRoleBatch({ roles: [{ code: r1.code }, { code: r2.code }], targets: userTargets(u.userId) });
    const partly = await t.management.deleteRolesBatch({ codeList: [r1.code, 'missing'] });
    expect(partly.statusCode).toBe(404);
    expect(partly.message).toMatch(/^codeList: no role "missing"/);
    expect((await t.management.getUserRoles({ userId: u.userId })).data.totalCount).toBe(2);

    const resource = `res_${uniq()}`;
    expect((await t.management.createResource({ code: resource, type: 'DATA' as never, actions: [{ name: 'read', description: 'r' }] } as never)).statusCode).toBe(200);
    const granted = await t.management.authorizeResources({ list: [{ targetType: 'ROLE' as never, targetIdentifiers: [r1.code], resources: [{ code: resource, actions: ['read'], resourceType: 'DATA' as never }] }] } as never);
    expect(granted.statusCode).toBe(200);

    expect((await t.management.deleteRolesBatch({ codeList: [r1.code, r2.code] })).statusCode).toBe(200);
    expect((await t.management.getUserRoles({ userId: u.userId })).data.totalCount).toBe(0);
    // A new role under the old code starts with no members and no grants.
    await t.management.createRole({ code: r1.code });
    expect((await t.management.listRoleMembers({ code: r1.code })).data.totalCount).toBe(0);
    const grants = await t.management.makeRequest({ method: 'GET', url: '/api/v3/get-authorized-resources', params: { targetType: 'ROLE', targetIdentifier: r1.code } });
    expect(grants.data.totalCount).toBe(0);
  });

  it('drops a deleted user from the role\'s members', async () => {
    const r = await role();
    const [a, b] = [await user(), await user()];
    await t.management.assignRole({ code: r.code, targets: userTargets(a.userId, b.userId) });
    expect((await t.management.deleteUsersBatch({ userIds: [a.userId] })).statusCode).toBe(200);
    expect((await t.management.listRoleMembers({ code: r.code })).data.list.map((x) => x.userId)).toEqual([b.userId]);
  });

  it('does not let a second pool see or use the first pool\'s roles and users', async () => {
    const r = await role();
    const u = await user();
    const other = await t.newPool();
    expect((await other.management.getRole({ code: r.code })).statusCode).toBe(404);
    expect((await other.management.listRoles({})).data.totalCount).toBe(0);
    await other.management.createRole({ code: r.code });
    const foreignUser = await other.management.assignRole({ code: r.code, targets: userTargets(u.userId) });
    expect(foreignUser.statusCode).toBe(404);
    expect((await other.management.getUserRoles({ userId: u.userId })).statusCode).toBe(404);
    expect((await t.management.listRoleMembers({ code: r.code })).data.totalCount).toBe(0);
  });
});
