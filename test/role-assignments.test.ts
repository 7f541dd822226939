import { beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
let other: ManagementClient;
beforeAll(async () => {
  other = (await t.newPool()).management;
});

async function namespace() {
  const code = `ns_${uniq()}`;
  expect((await t.management.createNamespace({ code, name: `NS ${code}` } as never)).statusCode).toBe(200);
  return code;
}

async function role(ns: string, name = `Role ${uniq()}`) {
  const code = `r_${uniq()}`;
  expect((await t.management.createRole({ code, name, namespace: ns } as never)).statusCode).toBe(200);
  return code;
}

const eventsOf = (requestId: string | undefined) =>
  t.server.deps.db.selectFrom('event_outbox').select(['type', 'payload']).where('request_id', '=', requestId!).execute();

describe('list-namespace-roles', () => {
  it('pages the roles of a namespace and matches keywords on code or name', async () => {
    const ns = await namespace();
    const a = await role(ns, 'Auditor');
    const b = await role(ns, 'Builder');
    const page = await t.management.listNamespaceRoles({ code: ns, page: 1, limit: 10 });
    expect(page.statusCode).toBe(200);
    const data = page.data as unknown as { list: Array<{ code: string; id: string; namespace: string }>; totalCount: number };
    expect(data.totalCount).toBe(2);
    expect(data.list.map((r) => r.code).sort()).toEqual([a, b].sort());
    expect(data.list[0].id).toMatch(/^[0-9a-f]{24}$/);
    const found = (await t.management.listNamespaceRoles({ code: ns, keywords: 'audit' })).data as unknown as { list: Array<{ code: string }> };
    expect(found.list.map((r) => r.code)).toEqual([a]);
  });

  it('refuses an unknown namespace (the cloud words for zh-CN) and another pool never sees it', async () => {
    const ns = await namespace();
    await role(ns);
    const unknown = await t.management.listNamespaceRoles({ code: `nope_${uniq()}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.message).toContain('code');
    expect((await t.zh.listNamespaceRoles({ code: `nope_${uniq()}` })).message).toBe('权限组不存在');
    expect((await other.listNamespaceRoles({ code: ns })).statusCode).toBe(404);
    expect((await t.management.listNamespaceRoles({ code: ns })).statusCode).toBe(200);
  });
});

describe('multiple-namespace-delete-roles-batch', () => {
  it('deletes roles of several namespaces with their assignments, one role:deleted each', async () => {
    const [ns1, ns2] = [await namespace(), await namespace()];
    const [r1, r2, kept] = [await role(ns1), await role(ns2), await role(ns2)];
    const user = (await t.management.createUser({ username: `u_${uniq()}` } as never)).data;
    await t.management.assignRole({ code: r1, namespace: ns1, targets: [{ targetType: 'USER', targetIdentifier: user.userId }] } as never);
    const answer = await t.management.deleteRoles({ roleList: [{ code: r1, namespace: ns1 }, { code: r2, namespace: ns2 }] });
    expect(answer.statusCode).toBe(200);
    expect((await t.management.getRole({ code: r1, namespace: ns1 })).statusCode).toBe(404);
    expect((await t.management.getRole({ code: r2, namespace: ns2 })).statusCode).toBe(404);
    expect((await t.management.getRole({ code: kept, namespace: ns2 })).statusCode).toBe(200);
    expect((await t.management.getUserRoles({ userId: user.userId, namespace: ns1 })).data.totalCount).toBe(0);
    expect((await eventsOf(answer.requestId)).map((e) => e.type)).toEqual(['role:deleted', 'role:deleted']);
  });

  it('deletes nothing when one pair names no role, and names it; another pool cannot delete them', async () => {
    const ns = await namespace();
    const r = await role(ns);
    const refused = await t.management.deleteRoles({ roleList: [{ code: r, namespace: ns }, { code: 'ghost', namespace: ns }] });
    expect(refused.statusCode).toBe(404);
    expect(refused.message).toContain('"ghost"');
    expect((await t.zh.deleteRoles({ roleList: [{ code: 'ghost', namespace: ns }] })).message).toBe('角色不存在');
    expect((await other.deleteRoles({ roleList: [{ code: r, namespace: ns }] })).statusCode).toBe(404);
    expect((await t.management.getRole({ code: r, namespace: ns })).statusCode).toBe(200);
  });
});

describe('list-role-assignments', () => {
  it('lists users and departments holding a role with their names, filtered by type and query', async () => {
    const ns = await namespace();
    const r = await role(ns);
    const user = (await t.management.createUser({ username: `holder_${uniq()}`, name: 'Holder Person' } as never)).data;
    const org = (await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: 'Org' } as never)).data;
    const dept = (await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: 'Finance Team' } as never)).data;
    await t.management.assignRole({ code: r, namespace: ns, targets: [{ targetType: 'USER', targetIdentifier: user.userId }, { targetType: 'DEPARTMENT', targetIdentifier: dept.departmentId }] } as never);

    const all = await t.management.listRoleAssignments({ roleCode: r, namespaceCode: ns });
    expect(all.statusCode).toBe(200);
    expect(all.data.totalCount).toBe(2);
    const items = all.data.data as unknown as Array<{ targetType: string; targetIdentifier: string; targetName: string; status: string; roleCode: string }>;
    expect(items.map((i) => [i.targetType, i.targetIdentifier, i.targetName]).sort()).toEqual(
      [['ORG', dept.departmentId, 'Finance Team'], ['USER', user.userId, 'Holder Person']].sort(),
    );
    expect(items.every((i) => i.status === 'ENABLE' && i.roleCode === r)).toBe(true);

    const users = await t.management.listRoleAssignments({ roleCode: r, namespaceCode: ns, targetType: ['USER'] });
    expect((users.data.data as unknown as Array<{ targetIdentifier: string }>).map((i) => i.targetIdentifier)).toEqual([user.userId]);
    const query = await t.management.listRoleAssignments({ roleCode: r, namespaceCode: ns, query: 'finance' });
    expect((query.data.data as unknown as Array<{ targetIdentifier: string }>).map((i) => i.targetIdentifier)).toEqual([dept.departmentId]);
  });

  it('refuses an unknown role and an unknown target type; another pool never sees the assignments', async () => {
    const ns = await namespace();
    const r = await role(ns);
    expect((await t.management.listRoleAssignments({ roleCode: 'ghost', namespaceCode: ns })).statusCode).toBe(404);
    const badType = await t.management.listRoleAssignments({ roleCode: r, namespaceCode: ns, targetType: ['ROBOT' as never] });
    expect(badType.statusCode).toBe(400);
    expect(badType.message).toContain('targetType');
    expect((await other.listRoleAssignments({ roleCode: r, namespaceCode: ns })).statusCode).toBe(404);
    expect((await t.management.listRoleAssignments({ roleCode: r, namespaceCode: ns })).statusCode).toBe(200);
  });
});

describe('check-role-mutual-exclusion', () => {
  it('answers false for roles that exist: Userpool keeps no mutual-exclusion rules', async () => {
    const ns = await namespace();
    const [a, b] = [await role(ns), await role(ns)];
    const answer = await t.management.checkMutualExclusion({ roles: [{ code: a, namespace: ns }, { code: b, namespace: ns }] });
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toEqual({ existMutuallyExclusive: false });
  });

  it('refuses a role that does not exist rather than answering false; another pool cannot check ours', async () => {
    const ns = await namespace();
    const a = await role(ns);
    const ghost = await t.management.checkMutualExclusion({ roles: [{ code: a, namespace: ns }, { code: 'ghost', namespace: ns }] });
    expect(ghost.statusCode).toBe(404);
    expect(ghost.message).toContain('ghost');
    expect((await other.checkMutualExclusion({ roles: [{ code: a, namespace: ns }] })).statusCode).toBe(404);
  });
});

describe('create-or-update-group', () => {
  it('creates a group the first time and updates it the second, announcing each', async () => {
    const code = `g_${uniq()}`;
    const first = await t.management.createOrUpdateGroup({ code, name: 'Readers', description: 'first', type: 'static' });
    expect(first.statusCode).toBe(200);
    expect(first.data).toMatchObject({ created: true, data: { code, name: 'Readers', description: 'first', type: 'static' } });
    expect((await eventsOf(first.requestId)).map((e) => e.type)).toEqual(['group:created']);
    const second = await t.management.createOrUpdateGroup({ code, name: 'Writers', description: 'second', type: 'static' });
    expect(second.data).toMatchObject({ created: false, data: { code, name: 'Writers', description: 'second' } });
    expect((await eventsOf(second.requestId)).map((e) => e.type)).toEqual(['group:updated']);
    expect((await t.management.getGroup({ code })).data).toMatchObject({ name: 'Writers', description: 'second' });
  });

  it('creates the group once when two calls race for the same code', async () => {
    const code = `g_${uniq()}`;
    const answers = await Promise.all(['One', 'Two', 'Three'].map((name) => t.management.createOrUpdateGroup({ code, name, description: '', type: 'static' })));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(answers.filter((a) => a.data.created)).toHaveLength(1);
    expect((await t.management.listGroups({ keywords: code })).data.list.map((g) => g.code)).toEqual([code]);
  });

  it('refuses a malformed code and a missing name, creating nothing; another pool gets its own group', async () => {
    const bad = await t.management.createOrUpdateGroup({ code: 'has space', name: 'X', description: '', type: 'static' });
    expect(bad.statusCode).toBe(400);
    const nameless = await t.management.createOrUpdateGroup({ code: `g_${uniq()}`, description: '', type: 'static' } as never);
    expect(nameless.statusCode).toBe(400);
    expect(nameless.message).toContain('name');
    const code = `g_${uniq()}`;
    await t.management.createOrUpdateGroup({ code, name: 'Ours', description: '', type: 'static' });
    const theirs = await other.createOrUpdateGroup({ code, name: 'Theirs', description: '', type: 'static' });
    expect(theirs.data.created).toBe(true);
    expect((await t.management.getGroup({ code })).data.name).toBe('Ours');
  });
});
