import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();

describe('permission namespaces through the official ManagementClient', () => {
  it('creates, gets, lists, renames and deletes a namespace', async () => {
    const code = `ns_${uniq()}`;
    const created = await t.management.createNamespace({ code, name: 'Billing', description: 'money' });
    expect(created.statusCode).toBe(200);
    expect(created.data).toEqual({ code, name: 'Billing', description: 'money' });

    expect((await t.management.getNamespace({ code })).data).toEqual({ code, name: 'Billing', description: 'money' });
    const listed = await t.management.listNamespaces({ keywords: code });
    expect(listed.data.totalCount).toBe(1);
    expect(listed.data.list[0]).toMatchObject({ code, name: 'Billing' });

    const newCode = `${code}_v2`;
    const renamed = await t.management.updateNamespace({ code, newCode, name: 'Billing 2' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.data.code).toBe(newCode);
    expect((await t.management.getNamespace({ code })).statusCode).toBe(404);
    expect((await t.management.getNamespace({ code: newCode })).data.name).toBe('Billing 2');

    expect((await t.management.deleteNamespace({ code: newCode })).data.success).toBe(true);
    expect((await t.management.getNamespace({ code: newCode })).statusCode).toBe(404);
  });

  it('has a built-in default namespace that holds roles created without one and cannot be deleted', async () => {
    const fresh = await t.newPool();
    expect((await fresh.management.getNamespace({ code: 'default' })).data.code).toBe('default');
    expect((await fresh.management.listRoles({})).data).toEqual({ list: [], totalCount: 0 });
    const role = await fresh.management.createRole({ code: `r_${uniq()}` });
    expect(role.data.namespace).toBe('default');
    const refused = await fresh.management.deleteNamespace({ code: 'default' });
    expect(refused.statusCode).toBe(400);
    expect(refused.message).toMatch(/^code: "default" is the built-in namespace/);
    expect((await fresh.management.createNamespace({ code: 'default' })).statusCode).toBe(400);
  });

  it('keeps its roles through a rename and deletes them, with their assignments, when the namespace goes', async () => {
    const code = `ns_${uniq()}`;
    await t.management.createNamespace({ code, name: 'Ops' });
    const roleCode = `r_${uniq()}`;
    expect((await t.management.createRole({ code: roleCode, namespace: code })).statusCode).toBe(200);
    const user = (await t.management.createUser({ username: `u_${uniq()}` } as never)).data;
    expect((await t.management.assignRole({ code: roleCode, namespace: code, targets: [{ targetType: 'USER' as never, targetIdentifier: user.userId }] })).statusCode).toBe(200);

    const renamed = `${code}_r`;
    await t.management.updateNamespace({ code, newCode: renamed });
    const role = await t.management.getRole({ code: roleCode, namespace: renamed });
    expect(role.data).toMatchObject({ code: roleCode, namespace: renamed });
    expect((await t.management.getUserRoles({ userId: user.userId, namespace: renamed })).data.totalCount).toBe(1);

    await t.management.deleteNamespacesBatch({ codeList: [renamed] });
    // Re-creating the namespace and role finds nothing left over from before.
    await t.management.createNamespace({ code: renamed });
    await t.management.createRole({ code: roleCode, namespace: renamed });
    expect((await t.management.listRoleMembers({ code: roleCode, namespace: renamed })).data.totalCount).toBe(0);
    expect((await t.management.getUserRoles({ userId: user.userId, namespace: renamed })).data.totalCount).toBe(0);
  });

  it('refuses bad and duplicate codes with messages that name the field', async () => {
    const empty = await t.management.createNamespace({ code: '' });
    expect([empty.statusCode, empty.message]).toEqual([400, '参数 code 格式错误']);
    const bad = await t.management.createNamespace({ code: 'a b' });
    expect([bad.statusCode, bad.message]).toEqual([400, 'invalid namespace code: a b']);
    const long = await t.management.updateNamespace({ code: 'default', newCode: 'x'.repeat(65) });
    expect([long.statusCode, long.message]).toEqual([400, '参数 newCode 格式错误']);

    const code = `ns_${uniq()}`;
    await t.management.createNamespace({ code });
    const again = await t.management.createNamespace({ code });
    expect(again.statusCode).toBe(409);
    expect(again.message).toMatch(new RegExp(`^code: permission namespace "${code}" already exists`));
  });

  it('creates a batch all or nothing', async () => {
    const taken = `ns_${uniq()}`;
    await t.management.createNamespace({ code: taken });
    const fresh = `ns_${uniq()}`;
    const answer = await t.management.createNamespacesBatch({ list: [{ code: fresh }, { code: taken }] });
    expect(answer.statusCode).toBe(409);
    expect(answer.message).toMatch(/^list\[1\]\.code:/);
    expect((await t.management.getNamespacesBatch({ codeList: [fresh, taken] })).data.map((n) => n.code)).toEqual([taken]);
  });

  it('does not let a second pool see or delete the first pool\'s namespaces', async () => {
    const code = `ns_${uniq()}`;
    await t.management.createNamespace({ code });
    const other = await t.newPool();
    expect((await other.management.getNamespace({ code })).statusCode).toBe(404);
    expect((await other.management.listNamespaces({})).data.totalCount).toBe(0);
    await other.management.deleteNamespacesBatch({ codeList: [code] });
    expect((await t.management.getNamespace({ code })).statusCode).toBe(200);
  });
});
