import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();

async function user() {
  const answer = await t.management.createUser({ username: `user_${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data.userId;
}

async function resource() {
  const code = `res_${uniq()}`;
  expect((await t.management.createResource({ code, type: 'DATA' as never, actions: [{ name: 'read', description: '' }, { name: 'write', description: '' }] })).statusCode).toBe(200);
  return code;
}

async function grant(targetType: string, targetIdentifiers: string[], code: string, actions: string[], extra: Record<string, unknown> = {}) {
  const answer = await t.management.authorizeResources({ list: [{ targetType, targetIdentifiers, resources: [{ code, actions, resourceType: 'DATA', ...extra }] }] } as never);
  expect(answer.statusCode).toBe(200);
}

const targets = async (resources: string[], actions: string[], namespaceCode = 'default') => {
  const answer = await t.management.listResourceTargets({ resources, actions, namespaceCode });
  expect(answer.statusCode).toBe(200);
  return answer.data.authUserList;
};

describe('list-resource-targets', () => {
  it('answers, per resource and action, the users allowed directly, through a role held by a department, and through a group', async () => {
    const code = await resource();
    const [direct, inDepartment, inGroup, denied, bystander] = [await user(), await user(), await user(), await user(), await user()];
    await grant('USER', [direct, denied], code, ['read']);
    await grant('USER', [denied], code, ['read'], { effect: 'DENY' });

    const roleCode = `r_${uniq()}`;
    await t.management.createRole({ code: roleCode, name: roleCode } as never);
    await grant('ROLE', [roleCode], code, ['write']);
    const org = (await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: 'Org' } as never)).data;
    const child = (await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: 'Child' } as never)).data;
    await t.management.assignRole({ code: roleCode, targets: [{ targetType: 'DEPARTMENT', targetIdentifier: org.departmentId }] } as never);
    await t.management.addDepartmentMembers({ organizationCode: org.organizationCode, departmentId: child.departmentId, userIds: [inDepartment] });

    const groupCode = `g_${uniq()}`;
    await t.management.createGroup({ code: groupCode, name: groupCode } as never);
    await t.management.addGroupMembers({ code: groupCode, userIds: [inGroup] });
    await grant('GROUP', [groupCode], code, ['*']);

    const list = await targets([code], ['read', 'write']);
    expect(list).toHaveLength(1);
    const byAction = Object.fromEntries(list[0].actionAuthList.map((a) => [a.action, [...a.userIds].sort()]));
    expect(byAction.read).toEqual([direct, inGroup].sort());
    expect(byAction.write).toEqual([inDepartment, inGroup].sort());
    for (const action of ['read', 'write']) {
      expect((await t.management.isActionAllowed({ userId: denied, resource: code, action })).data.allowed).toBe(false);
      expect(byAction[action]).not.toContain(bystander);
    }
  });

  it('refuses an unknown namespace or resource and empty lists, naming them; another pool sees nothing', async () => {
    const code = await resource();
    const someone = await user();
    await grant('USER', [someone], code, ['read']);
    const ns = await t.management.listResourceTargets({ resources: [code], actions: ['read'], namespaceCode: `nope_${uniq()}` });
    expect(ns.statusCode).toBe(404);
    expect(ns.message).toContain('namespaceCode');
    const missing = await t.management.listResourceTargets({ resources: [code, 'ghost'], actions: ['read'], namespaceCode: 'default' });
    expect(missing.statusCode).toBe(404);
    expect(missing.message).toContain('"ghost"');
    const empty = await t.management.listResourceTargets({ resources: [code], actions: [], namespaceCode: 'default' });
    expect(empty.statusCode).toBe(400);
    expect(empty.message).toContain('actions');

    const other = (await t.newPool()).management;
    expect((await other.listResourceTargets({ resources: [code], actions: ['read'], namespaceCode: 'default' })).statusCode).toBe(404);
    expect((await targets([code], ['read']))[0].actionAuthList[0].userIds).toEqual([someone]);
  });
});
