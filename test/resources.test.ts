import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
const actions = [
  { name: 'read', description: 'Read it' },
  { name: 'write', description: 'Change it' },
];

describe('resources through the official ManagementClient', () => {
  it('creates a resource in the default namespace and reads it back', async () => {
    const code = `order_${uniq()}`;
    const created = await t.management.createResource({ code, type: 'API' as never, name: 'Orders', description: 'Order API', actions, apiIdentifier: 'https://api.example.com/orders' });
    expect(created.statusCode).toBe(200);
    expect(created.data).toMatchObject({ code, type: 'API', namespace: 'default', actions, apiIdentifier: 'https://api.example.com/orders' });
    const read = await t.management.getResource({ code });
    expect(read.data).toEqual(created.data);
  });

  it('creates resources in a batch, all or nothing, and reads them in a batch', async () => {
    const [a, b] = [`a_${uniq()}`, `b_${uniq()}`];
    const batch = await t.management.createResourcesBatch({ list: [{ code: a, type: 'MENU' as never }, { code: b, type: 'BUTTON' as never }] });
    expect(batch.data.success).toBe(true);
    const read = await t.management.getResourcesBatch({ codeList: [b, a, 'nope'] });
    expect(read.data.map((r) => [r.code, r.type])).toEqual([[b, 'BUTTON'], [a, 'MENU']]);

    const c = `c_${uniq()}`;
    const clash = await t.management.createResourcesBatch({ list: [{ code: c, type: 'DATA' as never }, { code: a, type: 'DATA' as never }] });
    expect(clash.statusCode).toBe(409);
    expect(clash.message).toMatch(/^list\[1\]\.code: a resource ".+" already exists in namespace "default"/);
    expect((await t.management.getResource({ code: c })).statusCode).toBe(404);
  });

  it('keeps the same code apart in different namespaces and refuses an unknown namespace', async () => {
    const ns = `ns_${uniq()}`;
    expect((await t.management.createNamespace({ code: ns, name: ns } as never)).statusCode).toBe(200);
    const code = `shared_${uniq()}`;
    expect((await t.management.createResource({ code, type: 'DATA' as never })).statusCode).toBe(200);
    const inNs = await t.management.createResource({ code, type: 'UI' as never, namespace: ns });
    expect(inNs.statusCode).toBe(200);
    expect(inNs.data.namespace).toBe(ns);
    expect((await t.management.getResource({ code, namespace: ns })).data.type).toBe('UI');
    expect((await t.management.getResource({ code })).data.type).toBe('DATA');
    const dup = await t.management.createResource({ code, type: 'DATA' as never });
    expect(dup.statusCode).toBe(409);

    const unknown = await t.management.createResource({ code, type: 'DATA' as never, namespace: `missing_${uniq()}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.message).toMatch(/^namespace: no permission namespace "missing_/);
  });

  it('refuses invalid codes, types and actions, naming the field', async () => {
    const blank = await t.management.createResource({ code: ' ', type: 'DATA' as never });
    expect(blank.statusCode).toBe(400);
    expect(blank.message).toBe('invalid resource code:  ');
    const long = await t.management.createResource({ code: 'x'.repeat(65), type: 'DATA' as never });
    expect(long.statusCode).toBe(400);
    expect(long.message).toBe('参数 code 格式错误');
    const badType = await t.management.createResource({ code: `t_${uniq()}`, type: 'TABLE' as never });
    expect(badType.statusCode).toBe(400);
    expect(badType.message).toMatch(/type: must be one of DATA, API, MENU, BUTTON, UI/);
    const twice = await t.management.createResource({ code: `t_${uniq()}`, type: 'DATA' as never, actions: [actions[0], actions[0]] });
    expect(twice.statusCode).toBe(400);
    expect(twice.message).toBe('actions: action "read" is listed twice');
    const batchBad = await t.management.createResourcesBatch({ list: [{ code: `ok_${uniq()}`, type: 'DATA' as never }, { code: '额！', type: 'DATA' as never }] });
    expect(batchBad.statusCode).toBe(400);
    expect(batchBad.message).toBe('invalid resource code: 额！');
  });

  it('lists a namespace\'s resources by type, a page at a time', async () => {
    const ns = `ns_${uniq()}`;
    await t.management.createNamespace({ code: ns, name: ns } as never);
    await t.management.createResourcesBatch({
      namespace: ns,
      list: [
        { code: 'm1', type: 'MENU' as never },
        { code: 'm2', type: 'MENU' as never },
        { code: 'b1', type: 'BUTTON' as never },
      ],
    });
    const menus = await t.management.listResources({ namespace: ns, type: 'MENU' as never, page: 2, limit: 1 });
    expect(menus.data.totalCount).toBe(2);
    expect(menus.data.list.map((r) => r.code)).toEqual(['m2']);
    expect((await t.management.listResources({ namespace: ns })).data.totalCount).toBe(3);
  });

  it('updates a resource found by namespace and code', async () => {
    const code = `u_${uniq()}`;
    await t.management.createResource({ code, type: 'DATA' as never, actions });
    const updated = await t.management.updateResource({ code, name: 'Renamed', type: 'API' as never, actions: [actions[0]] });
    expect(updated.statusCode).toBe(200);
    expect(updated.data).toMatchObject({ code, name: 'Renamed', type: 'API', actions: [actions[0]] });
    expect((await t.management.getResource({ code })).data.name).toBe('Renamed');
    const missing = await t.management.updateResource({ code: `none_${uniq()}`, name: 'x' });
    expect(missing.statusCode).toBe(404);
    expect(missing.message).toBe('资源不存在');
  });

  it('deletes resources by code and by id, and deleting what is gone still succeeds', async () => {
    const [a, b, c] = [`d_${uniq()}`, `d_${uniq()}`, `d_${uniq()}`];
    await t.management.createResourcesBatch({ list: [a, b, c].map((code) => ({ code, type: 'DATA' as never })) });
    const cId = (await t.management.getResource({ code: c })).data as unknown as { id: string };
    expect((await t.management.deleteResource({ code: a })).data.success).toBe(true);
    expect((await t.management.deleteResourcesBatch({ codeList: [b], ids: [cId.id] })).data.success).toBe(true);
    expect((await t.management.getResourcesBatch({ codeList: [a, b, c] })).data).toEqual([]);
    expect((await t.management.deleteResource({ code: a })).statusCode).toBe(200);
  });

  it('keeps resources of one user pool invisible to another', async () => {
    const code = `iso_${uniq()}`;
    await t.management.createResource({ code, type: 'DATA' as never });
    const other = await t.newPool();
    expect((await other.management.getResource({ code })).statusCode).toBe(404);
    expect((await other.management.listResources({})).data.totalCount).toBe(0);
    expect((await other.management.createResource({ code, type: 'MENU' as never })).statusCode).toBe(200);
    expect((await other.management.deleteResource({ code })).statusCode).toBe(200);
    expect((await t.management.getResource({ code })).data.type).toBe('DATA');
  });
});
