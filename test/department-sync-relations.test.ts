import { beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
let other: ManagementClient;
beforeAll(async () => {
  other = (await t.newPool()).management;
});

async function tree() {
  const org = (await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: 'Org' } as never)).data;
  const dept = (await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: 'Sales', code: `sales_${uniq()}` } as never)).data;
  return { code: org.organizationCode, rootId: org.departmentId, dept };
}

const relate = (m: ManagementClient, data: Record<string, unknown>) => m.makeRequest({ method: 'POST', url: '/api/v3/create-department-sync-relation', data });
type Relations = { list: Array<{ provider: string; departmentIdInIdp: string; userIdInIdp: string; departmentId: string }>; totalCount: number };
const relationsOf = async (organizationCode: string, departmentId?: string, departmentIdType?: string) => {
  const answer = await t.management.getDepartmentSyncRelations({ organizationCode, departmentId, departmentIdType: departmentIdType as never });
  expect(answer.statusCode).toBe(200);
  return answer.data as unknown as Relations;
};

describe('department sync relations', () => {
  it('records, lists and deletes the relations of a department by provider, announcing each change', async () => {
    const { code, dept } = await tree();
    const ww = `ww_${uniq()}`;
    expect((await relate(t.management, { organizationCode: code, departmentId: dept.departmentId, provider: 'wechatwork', departmentIdInIdp: ww })).statusCode).toBe(200);
    expect((await relate(t.management, { organizationCode: code, departmentId: dept.code, departmentIdType: 'code', provider: 'dingtalk', departmentIdInIdp: `dt_${uniq()}` })).statusCode).toBe(200);

    const listed = await relationsOf(code, dept.departmentId);
    expect(listed.totalCount).toBe(2);
    expect(listed.list[0]).toMatchObject({ provider: 'wechatwork', departmentIdInIdp: ww, userIdInIdp: ww, departmentId: dept.departmentId });
    expect((await relationsOf(code)).totalCount).toBe(0);

    const removed = await t.management.deleteDepartmentSyncRelations({ organizationCode: code, departmentId: dept.departmentId, provider: 'wechatwork' });
    expect(removed.statusCode).toBe(200);
    expect((await relationsOf(code, dept.departmentId)).list.map((r) => r.provider)).toEqual(['dingtalk']);
    const events = await t.server.deps.db.selectFrom('event_outbox').select(['type', 'payload']).where('request_id', '=', removed.requestId!).execute();
    expect(events.map((e) => e.type)).toEqual(['organization:node-updated']);
    expect(JSON.parse(String(events[0].payload)).syncRelationsRemoved).toHaveLength(1);

    const nothing = await t.management.deleteDepartmentSyncRelations({ organizationCode: code, departmentId: dept.departmentId, provider: 'lark' });
    expect(nothing.statusCode).toBe(200);
    expect(await t.server.deps.db.selectFrom('event_outbox').select('type').where('request_id', '=', nothing.requestId!).execute()).toEqual([]);
  });

  it('refuses an outside department related twice, and frees it when the department is deleted', async () => {
    const a = await tree();
    const b = await tree();
    const id = `ww_${uniq()}`;
    expect((await relate(t.management, { organizationCode: a.code, departmentId: a.dept.departmentId, provider: 'wechatwork', departmentIdInIdp: id })).statusCode).toBe(200);
    const twice = await relate(t.management, { organizationCode: b.code, departmentId: b.dept.departmentId, provider: 'wechatwork', departmentIdInIdp: id });
    expect(twice.statusCode).toBe(409);
    expect(twice.message).toContain('departmentIdInIdp');
    await t.management.deleteDepartment({ organizationCode: a.code, departmentId: a.dept.departmentId });
    expect((await relate(t.management, { organizationCode: b.code, departmentId: b.dept.departmentId, provider: 'wechatwork', departmentIdInIdp: id })).statusCode).toBe(200);
  });

  it('refuses unknown departments and id types naming the field; another pool never sees or deletes them', async () => {
    const { code, dept } = await tree();
    await relate(t.management, { organizationCode: code, departmentId: dept.departmentId, provider: 'wechatwork', departmentIdInIdp: `ww_${uniq()}` });
    const unknown = await t.management.getDepartmentSyncRelations({ organizationCode: code, departmentId: 'f'.repeat(24) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.message).toContain('departmentId');
    const badType = await t.management.deleteDepartmentSyncRelations({ organizationCode: code, departmentId: dept.departmentId, provider: 'wechatwork', departmentIdType: 'custom_field' as never });
    expect(badType.statusCode).toBe(400);
    expect(badType.message).toContain('departmentIdType');
    const noProvider = await t.management.deleteDepartmentSyncRelations({ organizationCode: code, departmentId: dept.departmentId } as never);
    expect(noProvider.statusCode).toBe(400);
    expect(noProvider.message).toContain('provider');

    expect((await other.getDepartmentSyncRelations({ organizationCode: code, departmentId: dept.departmentId })).statusCode).toBe(404);
    expect((await other.deleteDepartmentSyncRelations({ organizationCode: code, departmentId: dept.departmentId, provider: 'wechatwork' })).statusCode).toBe(404);
    expect((await relationsOf(code, dept.departmentId)).totalCount).toBe(1);
  });
});
