import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
type Target = 'USER' | 'ROLE' | 'GROUP' | 'DEPARTMENT';
interface Item { resourceCode: string; actions: string[]; effect: string; source?: { targetType: string; targetIdentifier: string; viaDepartmentId?: string } }

async function createUser(management = t.management) {
  const answer = await management.createUser({ username: `user_${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data.userId;
}

async function createResource(fields: Record<string, unknown> = {}) {
  const code = `res_${uniq()}`;
  const answer = await t.management.createResource({ code, type: 'DATA' as never, actions: [{ name: 'read', description: '' }, { name: 'write', description: '' }], ...fields });
  expect(answer.statusCode).toBe(200);
  return code;
}

async function grant(targetType: Target, targetIdentifiers: string[], code: string, actions: string[], extra: Record<string, unknown> = {}) {
  const answer = await t.management.authorizeResources({ list: [{ targetType, targetIdentifiers, resources: [{ code, actions, resourceType: 'DATA', ...extra }] }] } as never);
  expect(answer.statusCode).toBe(200);
}

async function userResources(userId: string, namespace?: string): Promise<Item[]> {
  const answer = await t.management.getUserAuthorizedResources({ userId, namespace });
  expect(answer.statusCode).toBe(200);
  return answer.data.list as unknown as Item[];
}

const allowed = async (userId: string, resource: string, action: string) =>
  (await t.management.isActionAllowed({ userId, resource, action })).data.allowed;

async function createRole() {
  const code = `role_${uniq()}`;
  expect((await t.management.createRole({ code, description: '' })).statusCode).toBe(200);
  return code;
}

async function createGroup() {
  const code = `group_${uniq()}`;
  expect((await t.management.createGroup({ code, name: code, description: '', type: '' } as never)).statusCode).toBe(200);
  return code;
}

async function createDepartment() {
  const org = (await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: 'Org' } as never)).data;
  const dept = await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: 'Dept' } as never);
  expect(dept.statusCode).toBe(200);
  return { organizationCode: org.organizationCode, departmentId: dept.data.departmentId };
}

describe('authorizations through the official ManagementClient', () => {
  it('grants a resource to a user and answers it from both sides', async () => {
    const code = await createResource();
    const userId = await createUser();
    await grant('USER', [userId], code, ['read']);

    expect(await userResources(userId)).toEqual([
      expect.objectContaining({ resourceCode: code, resourceType: 'DATA', actions: ['read'], effect: 'ALLOW', source: { targetType: 'USER', targetIdentifier: userId } }),
    ]);
    const targets = await t.management.getResourceAuthorizedTargets({ resource: code });
    expect(targets.statusCode).toBe(200);
    expect(targets.data.list).toEqual([{ targetType: 'USER', targetIdentifier: userId, actions: ['read'], effect: 'ALLOW' }]);
    expect(await allowed(userId, code, 'read')).toBe(true);
    expect(await allowed(userId, code, 'write')).toBe(false);
  });

  it('replaces the actions of a repeated grant and takes it away with an empty list', async () => {
    const code = await createResource();
    const userId = await createUser();
    await grant('USER', [userId], code, ['read']);
    await grant('USER', [userId], code, ['read', 'write']);
    expect((await userResources(userId)).map((i) => i.actions)).toEqual([['read', 'write']]);
    await grant('USER', [userId], code, []);
    expect(await userResources(userId)).toEqual([]);
  });

  it('inherits grants through a role, a group and a department, each marked with its source', async () => {
    const [viaRole, viaGroup, viaDept, viaDeptRole] = [await createResource(), await createResource(), await createResource(), await createResource()];
    const userId = await createUser();
    const role = await createRole();
    const deptRole = await createRole();
    const group = await createGroup();
    const { organizationCode, departmentId } = await createDepartment();

    expect((await t.management.assignRole({ code: role, targets: [{ targetType: 'USER' as never, targetIdentifier: userId }] })).statusCode).toBe(200);
    expect((await t.management.addGroupMembers({ code: group, userIds: [userId] })).statusCode).toBe(200);
    expect((await t.management.addDepartmentMembers({ organizationCode, departmentId, userIds: [userId] })).statusCode).toBe(200);
    expect((await t.management.assignRole({ code: deptRole, targets: [{ targetType: 'DEPARTMENT' as never, targetIdentifier: departmentId }] })).statusCode).toBe(200);

    await grant('ROLE', [role], viaRole, ['read']);
    await grant('GROUP', [group], viaGroup, ['write']);
    await grant('DEPARTMENT', [departmentId], viaDept, ['*']);
    await grant('ROLE', [deptRole], viaDeptRole, ['read']);

    const items = await userResources(userId);
    const bySource = Object.fromEntries(items.map((i) => [i.resourceCode, i.source]));
    expect(bySource).toEqual({
      [viaRole]: { targetType: 'ROLE', targetIdentifier: role },
      [viaGroup]: { targetType: 'GROUP', targetIdentifier: group },
      [viaDept]: { targetType: 'DEPARTMENT', targetIdentifier: departmentId },
      [viaDeptRole]: { targetType: 'ROLE', targetIdentifier: deptRole, viaDepartmentId: departmentId },
    });
    expect(await allowed(userId, viaRole, 'read')).toBe(true);
    expect(await allowed(userId, viaGroup, 'write')).toBe(true);
    expect(await allowed(userId, viaDept, 'anything')).toBe(true);
    expect(await allowed(userId, viaDeptRole, 'read')).toBe(true);

    // The other side: each resource names the subject it was granted to.
    const roleTargets = await t.management.getResourceAuthorizedTargets({ resource: viaRole });
    expect(roleTargets.data.list.map((x) => [x.targetType, x.targetIdentifier])).toEqual([['ROLE', role]]);
    const groupTargets = await t.management.getResourceAuthorizedTargets({ resource: viaGroup, targetType: 'GROUP' as never });
    expect(groupTargets.data.list.map((x) => x.targetIdentifier)).toEqual([group]);
    const roleOwn = await t.management.getRoleAuthorizedResources({ code: role });
    expect(roleOwn.data.list.map((x) => x.resourceCode)).toEqual([viaRole]);
    const groupOwn = await t.management.getGroupAuthorizedResources({ code: group });
    expect(groupOwn.data.map((x) => x.resourceCode)).toEqual([viaGroup]);
    const deptOwn = await t.management.getAuthorizedResources({ targetType: 'DEPARTMENT', targetIdentifier: departmentId });
    expect(deptOwn.data.list.map((x) => x.resourceCode)).toEqual([viaDept]);

    // Leaving the group takes the inherited grant away.
    expect((await t.management.removeGroupMembers({ code: group, userIds: [userId] })).statusCode).toBe(200);
    expect(await allowed(userId, viaGroup, 'write')).toBe(false);
  });

  it('passes grants on a parent department, and roles it holds, down to members of the departments below', async () => {
    const [orgWide, viaParentRole] = [await createResource(), await createResource()];
    const userId = await createUser();
    const org = (await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: 'Org' } as never)).data;
    const rootId = org.departmentId;
    const child = (await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: rootId, name: 'Child' } as never)).data;
    const grandchild = (await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: child.departmentId, name: 'Grandchild' } as never)).data;
    await t.management.addDepartmentMembers({ organizationCode: org.organizationCode, departmentId: grandchild.departmentId, userIds: [userId] });
    const role = await createRole();
    await t.management.assignRole({ code: role, targets: [{ targetType: 'DEPARTMENT' as never, targetIdentifier: child.departmentId }] });

    await grant('DEPARTMENT', [rootId], orgWide, ['read']);
    await grant('ROLE', [role], viaParentRole, ['write']);

    const bySource = Object.fromEntries((await userResources(userId)).map((i) => [i.resourceCode, i.source]));
    expect(bySource).toEqual({
      [orgWide]: { targetType: 'DEPARTMENT', targetIdentifier: rootId, viaDepartmentId: grandchild.departmentId },
      [viaParentRole]: { targetType: 'ROLE', targetIdentifier: role, viaDepartmentId: child.departmentId },
    });
    expect(await allowed(userId, orgWide, 'read')).toBe(true);
    expect(await allowed(userId, viaParentRole, 'write')).toBe(true);
  });

  it('grants nothing through a disabled role or an assignment that has not begun', async () => {
    const [viaDisabled, viaLater] = [await createResource(), await createResource()];
    const userId = await createUser();
    const disabled = await createRole();
    const later = await createRole();
    await t.management.assignRole({ code: disabled, targets: [{ targetType: 'USER' as never, targetIdentifier: userId }] });
    const assigned = await t.management.assignRole({ code: later, targets: [{ targetType: 'USER' as never, targetIdentifier: userId }], enableTime: Date.now() + 3_600_000 });
    expect(assigned.statusCode).toBe(200);
    await grant('ROLE', [disabled], viaDisabled, ['read']);
    await grant('ROLE', [later], viaLater, ['read']);
    expect(await allowed(userId, viaDisabled, 'read')).toBe(true);
    expect((await t.management.updateRole({ code: disabled, newCode: disabled, status: 'DISABLE' } as never)).statusCode).toBe(200);
    expect(await allowed(userId, viaDisabled, 'read')).toBe(false);
    expect(await allowed(userId, viaLater, 'read')).toBe(false);
    expect(await userResources(userId)).toEqual([]);
  });

  it('lets a DENY grant win over an ALLOW and covers every resource with the * code', async () => {
    const code = await createResource();
    const userId = await createUser();
    const role = await createRole();
    await t.management.assignRole({ code: role, targets: [{ targetType: 'USER' as never, targetIdentifier: userId }] });
    await grant('ROLE', [role], '*', ['*']);
    expect(await allowed(userId, code, 'write')).toBe(true);
    await grant('USER', [userId], code, ['write'], { effect: 'DENY' });
    expect(await allowed(userId, code, 'write')).toBe(false);
    expect(await allowed(userId, code, 'read')).toBe(true);
  });

  it('refuses unknown targets, resources and actions, naming the field and granting nothing', async () => {
    const code = await createResource();
    const userId = await createUser();
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ targetType: 'USER', targetIdentifiers: [userId, 'ffffffffffffffffffffffff'], resources: [{ code, actions: ['read'] }] }, 404, /^list\[0\]\.targetIdentifiers: no user in this user pool for "ffffffffffffffffffffffff"/],
      [{ targetType: 'ROLE', targetIdentifiers: ['no_such_role'], resources: [{ code, actions: ['read'] }] }, 404, /^list\[0\]\.targetIdentifiers: no role "no_such_role" in namespace "default"/],
      [{ targetType: 'GROUP', targetIdentifiers: ['no_such_group'], resources: [{ code, actions: ['read'] }] }, 404, /^list\[0\]\.targetIdentifiers: no group "no_such_group"/],
      [{ targetType: 'DEPARTMENT', targetIdentifiers: ['ffffffffffffffffffffffff'], resources: [{ code, actions: ['read'] }] }, 404, /^list\[0\]\.targetIdentifiers: no department "ffffffffffffffffffffffff"/],
      [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code: 'no_such_res', actions: ['read'] }] }, 404, /^list\[0\]\.resources\[0\]\.code: no resource "no_such_res" in namespace "default"/],
      [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code, actions: ['fly'] }] }, 400, /^list\[0\]\.resources\[0\]\.actions: resource ".+" defines no action "fly"/],
      [{ targetType: 'TEAM', targetIdentifiers: [userId], resources: [{ code, actions: ['read'] }] }, 400, /list\/0\/targetType|list\.0\.targetType: must be one of USER, ROLE, GROUP, DEPARTMENT/],
    ];
    for (const [item, status, message] of cases) {
      const answer = await t.management.authorizeResources({ list: [item] } as never);
      expect({ status: answer.statusCode, message: answer.message }).toEqual({ status, message: expect.stringMatching(message) });
    }
    expect(await userResources(userId)).toEqual([]);
    const unknownUser = await t.management.getUserAuthorizedResources({ userId: 'ffffffffffffffffffffffff' });
    expect([unknownUser.statusCode, unknownUser.apiCode, unknownUser.message]).toEqual([404, 2004, '用户不存在']);
    const unknownGroup = await t.management.getAuthorizedResources({ targetType: 'GROUP', targetIdentifier: 'no_such_group' });
    expect([unknownGroup.statusCode, unknownGroup.message]).toEqual([404, 'group not exists with code: no_such_group']);
  });

  it('removes grants with the resource that is deleted and with the role that is deleted, on both sides', async () => {
    const code = await createResource();
    const other = await createResource();
    const userId = await createUser();
    const role = await createRole();
    await t.management.assignRole({ code: role, targets: [{ targetType: 'USER' as never, targetIdentifier: userId }] });
    await grant('USER', [userId], code, ['read']);
    await grant('ROLE', [role], other, ['read']);
    expect((await t.management.deleteResource({ code })).statusCode).toBe(200);
    expect((await userResources(userId)).map((i) => i.resourceCode)).toEqual([other]);
    // Re-creating the code does not bring the old grant back.
    await createResource({ code });
    expect(await allowed(userId, code, 'read')).toBe(false);

    expect((await t.management.deleteRolesBatch({ codeList: [role] })).statusCode).toBe(200);
    expect(await userResources(userId)).toEqual([]);
    expect((await t.management.getResourceAuthorizedTargets({ resource: other })).data.totalCount).toBe(0);
  });

  it('removes a user\'s grants when the user is deleted', async () => {
    const code = await createResource();
    const userId = await createUser();
    await grant('USER', [userId], code, ['read']);
    expect((await t.management.deleteUsersBatch({ userIds: [userId] })).statusCode).toBe(200);
    expect((await t.management.getResourceAuthorizedTargets({ resource: code })).data.totalCount).toBe(0);
  });

  it('drops a resigned user\'s grants and refuses to grant them anything new', async () => {
    const code = await createResource();
    const userId = await createUser();
    await grant('USER', [userId], code, ['read']);
    expect((await t.management.makeRequest({ method: 'POST', url: '/api/v3/resign-user', data: { userId } })).statusCode).toBe(200);
    expect(await userResources(userId)).toEqual([]);
    expect((await t.management.getResourceAuthorizedTargets({ resource: code })).data.totalCount).toBe(0);
    const again = await t.management.authorizeResources({ list: [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code, actions: ['read'] }] }] } as never);
    expect(again.statusCode).toBe(400);
    expect(again.message).toMatch(/^list\[0\]\.targetIdentifiers: ".+" has resigned/);
  });

  it('keeps grants apart per namespace', async () => {
    const ns = `ns_${uniq()}`;
    await t.management.createNamespace({ code: ns, name: ns } as never);
    const code = await createResource({ namespace: ns });
    const userId = await createUser();
    const answer = await t.management.authorizeResources({ namespace: ns, list: [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code, actions: ['read'] }] }] } as never);
    expect(answer.statusCode).toBe(200);
    expect(await userResources(userId)).toEqual([]);
    expect((await userResources(userId, ns)).map((i) => i.resourceCode)).toEqual([code]);
  });

  it('keeps grants of one user pool invisible to another', async () => {
    const code = await createResource();
    const userId = await createUser();
    await grant('USER', [userId], code, ['read']);
    const other = await t.newPool();
    expect((await other.management.getUserAuthorizedResources({ userId })).statusCode).toBe(404);
    expect((await other.management.getResourceAuthorizedTargets({ resource: code })).statusCode).toBe(404);
    const cross = await other.management.authorizeResources({ list: [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code: '*', actions: ['*'] }] }] } as never);
    expect(cross.statusCode).toBe(404);
    expect((await other.management.isActionAllowed({ userId, resource: code, action: 'read' })).statusCode).toBe(404);
  });
});
