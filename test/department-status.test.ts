import { beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
let other: ManagementClient;
beforeAll(async () => {
  other = (await t.newPool()).management;
});

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
  const answer = await t.management.createUser({ username: `u_${uniq()}` } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

type Answer = { statusCode: number; message: string; requestId?: string; data: { status: boolean } };
/** The SDK types update-department-status's answer as a bare `Node`; the wire has the envelope. */
const setStatus = (m: ManagementClient, body: { departmentId: string; status?: boolean }) => m.updateNodeStatus(body as never) as unknown as Promise<Answer>;

const eventsOf = (requestId: string | undefined) =>
  t.server.deps.db.selectFrom('event_outbox').select(['type', 'payload']).where('request_id', '=', requestId!).execute();

describe('get-department-by-id', () => {
  it('gets a department of any organization by its id alone', async () => {
    const org = await organization();
    const sales = await department(org.code, org.rootId, { code: `sales_${uniq()}` });
    const answer = await t.management.getDepartmentById({ departmentId: sales.departmentId });
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toMatchObject({ departmentId: sales.departmentId, organizationCode: org.code, name: sales.name, status: true });
  });

  it('answers 404 for an unknown id, in the cloud words for zh-CN callers, and another pool never sees it', async () => {
    const org = await organization();
    const sales = await department(org.code, org.rootId);
    const unknown = await t.management.getDepartmentById({ departmentId: 'f'.repeat(24) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.message).toContain('departmentId');
    expect((await t.zh.getDepartmentById({ departmentId: 'f'.repeat(24) })).message).toBe('部门不存在');
    expect((await other.getDepartmentById({ departmentId: sales.departmentId })).statusCode).toBe(404);
    expect((await t.management.getDepartmentById({ departmentId: sales.departmentId })).statusCode).toBe(200);
  });
});

describe('update-department-status', () => {
  it('disables a department with its subtree, announces it, and enables them again', async () => {
    const org = await organization();
    const sales = await department(org.code, org.rootId);
    const east = await department(org.code, sales.departmentId);
    const answer = await setStatus(t.management, { departmentId: sales.departmentId, status: false });
    expect(answer.statusCode).toBe(200);
    expect(answer.data.status).toBe(false);
    expect((await t.management.getDepartmentById({ departmentId: east.departmentId })).data.status).toBe(false);
    const events = await eventsOf(answer.requestId);
    expect(events.map((e) => e.type)).toEqual(['organization:node-updated']);
    expect(JSON.parse(String(events[0].payload))).toMatchObject({ departmentId: sales.departmentId, status: false });

    const late = await department(org.code, sales.departmentId);
    expect(late.status).toBe(false);

    const back = await setStatus(t.management, { departmentId: sales.departmentId, status: true });
    expect(back.data.status).toBe(true);
    expect((await t.management.getDepartmentById({ departmentId: east.departmentId })).data.status).toBe(true);
  });

  it('keeps members of a disabled department but refuses new ones; an enabled one takes them', async () => {
    const org = await organization();
    const sales = await department(org.code, org.rootId);
    const open = await department(org.code, org.rootId);
    const [kept, newcomer] = [await user(), await user()];
    await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: sales.departmentId, userIds: [kept.userId] });
    await setStatus(t.management, { departmentId: sales.departmentId, status: false });

    const refused = await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: sales.departmentId, userIds: [newcomer.userId] });
    expect(refused.statusCode).toBe(400);
    expect(refused.message).toMatch(/departmentId: .*disabled/);
    const setRefused = await t.management.setUserDepartments({ userId: newcomer.userId, departments: [{ departmentId: sales.departmentId }] } as never);
    expect(setRefused.statusCode).toBe(400);
    expect((await t.management.getUserDepartments({ userId: newcomer.userId })).data.totalCount).toBe(0);

    const members = await t.management.listDepartmentMembers({ organizationCode: org.code, departmentId: sales.departmentId });
    expect(members.data.list.map((u) => u.userId)).toEqual([kept.userId]);
    const control = await t.management.addDepartmentMembers({ organizationCode: org.code, departmentId: open.departmentId, userIds: [newcomer.userId] });
    expect(control.statusCode).toBe(200);
  });

  it('refuses an unknown department and a missing status, changing nothing; another pool cannot disable it', async () => {
    const org = await organization();
    const sales = await department(org.code, org.rootId);
    expect((await setStatus(t.management, { departmentId: 'f'.repeat(24), status: false })).statusCode).toBe(404);
    const missing = await setStatus(t.management, { departmentId: sales.departmentId } as never);
    expect(missing.statusCode).toBe(400);
    expect(missing.message).toContain('status');
    expect((await setStatus(other, { departmentId: sales.departmentId, status: false })).statusCode).toBe(404);
    expect((await t.management.getDepartmentById({ departmentId: sales.departmentId })).data.status).toBe(true);
  });
});

describe('update-organization-status', () => {
  it('disables the whole tree of an organization and enables it again', async () => {
    const org = await organization();
    const sales = await department(org.code, org.rootId);
    const answer = await t.management.updateOrganizationStatus({ rootNodeId: org.rootId, status: 'false' });
    expect(answer.statusCode).toBe(200);
    expect((await t.management.getDepartmentById({ departmentId: org.rootId })).data.status).toBe(false);
    expect((await t.management.getDepartmentById({ departmentId: sales.departmentId })).data.status).toBe(false);
    expect((await eventsOf(answer.requestId)).map((e) => e.type)).toEqual(['organization:node-updated']);
    expect((await t.management.getOrganization({ organizationCode: org.code })).data).toMatchObject({ status: false });
    const disabled = (await t.management.listOrganizations({ status: false, fetchAll: true })).data.list.map((o) => o.organizationCode);
    const enabled = (await t.management.listOrganizations({ status: true, fetchAll: true })).data.list.map((o) => o.organizationCode);
    expect(disabled).toContain(org.code);
    expect(enabled).not.toContain(org.code);
    await t.management.updateOrganizationStatus({ rootNodeId: org.rootId, status: 'true' });
    expect((await t.management.getDepartmentById({ departmentId: sales.departmentId })).data.status).toBe(true);
    expect((await t.management.listOrganizations({ status: true, fetchAll: true })).data.list.map((o) => o.organizationCode)).toContain(org.code);
  });

  it('refuses a status it cannot read and a department that is not a root; another pool cannot touch it', async () => {
    const org = await organization();
    const sales = await department(org.code, org.rootId);
    const bad = await t.management.updateOrganizationStatus({ rootNodeId: org.rootId, status: 'maybe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.message).toContain('status');
    expect((await t.management.updateOrganizationStatus({ rootNodeId: sales.departmentId, status: 'false' })).statusCode).toBe(404);
    expect((await other.updateOrganizationStatus({ rootNodeId: org.rootId, status: 'false' })).statusCode).toBe(404);
    expect((await t.management.getDepartmentById({ departmentId: sales.departmentId })).data.status).toBe(true);
  });
});

describe('search-departments-list', () => {
  it('filters, sorts and pages departments, leaving disabled ones out unless asked', async () => {
    const org = await organization();
    const tag = uniq();
    const a = await department(org.code, org.rootId, { name: `Alpha ${tag}`, code: `a_${tag}` });
    const b = await department(org.code, org.rootId, { name: `Beta ${tag}`, code: `b_${tag}` });
    const c = await department(org.code, org.rootId, { name: `Gamma ${tag}` });
    await setStatus(t.management, { departmentId: c.departmentId, status: false });

    const all = await t.management.searchDepartmentsList({ organizationCode: org.code, sort: [{ field: 'name', order: 'desc' }] } as never);
    expect(all.statusCode).toBe(200);
    expect(all.data.map((d) => d.departmentId)).toEqual([b.departmentId, a.departmentId]);

    const contains = await t.management.searchDepartmentsList({ organizationCode: org.code, advancedFilter: [{ field: 'name', operator: 'CONTAINS', value: 'alpha' }] } as never);
    expect(contains.data.map((d) => d.departmentId)).toEqual([a.departmentId]);
    const disabled = await t.management.searchDepartmentsList({ organizationCode: org.code, advancedFilter: [{ field: 'status', operator: 'EQUAL', value: false }] } as never);
    expect(disabled.data.map((d) => d.departmentId)).toEqual([c.departmentId]);
    const page2 = await t.management.searchDepartmentsList({ organizationCode: org.code, page: 2, limit: 1, sortBy: 'createdAt', orderBy: 'ASC' } as never);
    expect(page2.data.map((d) => d.departmentId)).toEqual([b.departmentId]);
    const search = await t.management.searchDepartments({ organizationCode: org.code, keywords: tag });
    expect(search.data.map((d) => d.departmentId).sort()).toEqual([a.departmentId, b.departmentId].sort());
  });

  it('refuses unknown fields and mistyped values naming them; another pool sees no organization', async () => {
    const org = await organization();
    await department(org.code, org.rootId);
    const field = await t.management.searchDepartmentsList({ organizationCode: org.code, advancedFilter: [{ field: 'secret', operator: 'EQUAL', value: 'x' }] } as never);
    expect(field.statusCode).toBe(400);
    expect(field.message).toContain('advancedFilter[0].field');
    expect((await t.zh.searchDepartmentsList({ organizationCode: org.code, advancedFilter: [{ field: 'secret', operator: 'EQUAL', value: 'x' }] } as never)).message).toBe('参数 field 格式错误');
    const value = await t.management.searchDepartmentsList({ organizationCode: org.code, advancedFilter: [{ field: 'createdAt', operator: 'GREATER', value: 'not a date' }] } as never);
    expect(value.statusCode).toBe(400);
    expect(value.message).toContain('advancedFilter[0].value');
    const control = await t.management.searchDepartmentsList({ organizationCode: org.code, advancedFilter: [{ field: 'createdAt', operator: 'GREATER', value: 0 }] } as never);
    expect(control.data).toHaveLength(1);
    expect((await other.searchDepartmentsList({ organizationCode: org.code } as never)).statusCode).toBe(404);
  });
});
