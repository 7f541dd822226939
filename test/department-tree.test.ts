import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
const tree = (body: Record<string, unknown>) => t.management.createDepartmentTree(body as never);

async function organizationNamed(name: string) {
  const list = (await t.management.searchOrganizations({ keywords: name })).data.list.filter((o) => o.organizationName === name);
  expect(list).toHaveLength(1);
  return list[0];
}

async function childNamed(organizationCode: string, departmentId: string, name: string) {
  const children = (await t.management.listChildrenDepartments({ organizationCode, departmentId })).data.list.filter((d) => d.name === name);
  expect(children).toHaveLength(1);
  return children[0];
}

describe('create-department-tree', () => {
  it('creates an organization, nested departments and members in one request, and counts them', async () => {
    const name = `Acme ${uniq()}`;
    const alice = `alice_${uniq()}`;
    const answer = await tree({
      name,
      members: [{ username: `boss_${uniq()}` }],
      children: [
        { name: 'Sales', children: [{ name: 'East', members: [{ username: alice, name: 'Alice', city: 'Hangzhou' }] }, 'West'] },
        { name: 'R&D' },
      ],
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toEqual({ addUser: 2, updateUser: 0, addDepartment: 5, updateDepartment: 0 });

    const org = await organizationNamed(name);
    const sales = await childNamed(org.organizationCode, org.departmentId, 'Sales');
    const east = await childNamed(org.organizationCode, sales.departmentId, 'East');
    await childNamed(org.organizationCode, sales.departmentId, 'West');
    const members = (await t.management.listDepartmentMembers({ organizationCode: org.organizationCode, departmentId: east.departmentId })).data.list;
    expect(members.map((u) => [u.username, u.name, u.city])).toEqual([[alice, 'Alice', 'Hangzhou']]);

    const events = await t.server.deps.db.selectFrom('event_outbox').select('type').where('request_id', '=', answer.requestId!).execute();
    const types = events.map((e) => e.type);
    expect(types.filter((x) => x === 'organization:created')).toHaveLength(1);
    expect(types.filter((x) => x === 'organization:node-added')).toHaveLength(4);
    expect(types.filter((x) => x === 'user:created')).toHaveLength(2);
    expect(types.filter((x) => x === 'organization:member-added')).toHaveLength(2);
  });

  it('leaves what exists as it is, adds what is missing and updates members whose fields change', async () => {
    const name = `Beta ${uniq()}`;
    const bob = `bob_${uniq()}`;
    await tree({ name, children: [{ name: 'Ops', members: [{ username: bob, city: 'Beijing' }] }] });
    const again = await tree({ name, children: [{ name: 'Ops', members: [{ username: bob, city: 'Shanghai' }], children: ['Night shift'] }] });
    expect(again.data).toEqual({ addUser: 0, updateUser: 1, addDepartment: 1, updateDepartment: 0 });
    const same = await tree({ name, children: [{ name: 'Ops', members: [{ username: bob, city: 'Shanghai' }] }] });
    expect(same.data).toEqual({ addUser: 0, updateUser: 0, addDepartment: 0, updateDepartment: 0 });
    const org = await organizationNamed(name);
    const ops = await childNamed(org.organizationCode, org.departmentId, 'Ops');
    expect((await t.management.listChildrenDepartments({ organizationCode: org.organizationCode, departmentId: ops.departmentId })).data.list.map((d) => d.name)).toEqual(['Night shift']);
    expect((await t.management.getUser({ userId: bob, userIdType: 'username' as never })).data.city).toBe('Shanghai');
  });

  it('changes nothing when any part is refused, naming where', async () => {
    const name = `Gamma ${uniq()}`;
    const taken = `taken_${uniq()}@example.com`;
    const holder = (await t.management.createUser({ username: `h_${uniq()}`, email: taken } as never)).data;
    const someoneElse = (await t.management.createUser({ username: `s_${uniq()}` } as never)).data;
    const conflict = await tree({ name, children: [{ name: 'A', members: [{ username: `new_${uniq()}` }, { username: someoneElse.username, email: taken }] }] });
    expect(conflict.statusCode).toBe(400);
    expect(conflict.message).toContain('children[0].members[1].email');

    const nameless = await tree({ name, children: [{ name: 'A', children: [{ members: [] }] }] });
    expect(nameless.statusCode).toBe(400);
    expect(nameless.message).toContain('children[0].children[0].name');
    const noIdentifier = await tree({ name, children: [{ name: 'A', members: [{ name: 'Nobody' }] }] });
    expect(noIdentifier.statusCode).toBe(400);
    expect(noIdentifier.message).toContain('children[0].members[0].username');
    const twice = await tree({ name, children: ['A', 'A'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.message).toContain('children[1].name');

    expect((await t.management.searchOrganizations({ keywords: name })).data.list).toEqual([]);
    expect((await t.management.getUser({ userId: holder.userId })).data.email).toBe(taken);
    expect((await t.management.listUsers({ keywords: 'new_' } as never)).data.list.filter((u) => u.username?.startsWith('new_'))).toEqual([]);

    const control = await tree({ name, children: ['A'] });
    expect(control.data.addDepartment).toBe(2);
  });

  it('refuses members for a disabled department, and another pool builds its own tree', async () => {
    const name = `Delta ${uniq()}`;
    await tree({ name, children: ['Closed'] });
    const org = await organizationNamed(name);
    const closed = await childNamed(org.organizationCode, org.departmentId, 'Closed');
    await t.management.updateNodeStatus({ departmentId: closed.departmentId, status: false });
    const refused = await tree({ name, children: [{ name: 'Closed', members: [{ username: `late_${uniq()}` }] }] });
    expect(refused.statusCode).toBe(400);
    expect(refused.message).toContain('disabled');

    const other = (await t.newPool()).management;
    const theirs = await other.createDepartmentTree({ name, children: ['Closed'] } as never);
    expect(theirs.data).toEqual({ addUser: 0, updateUser: 0, addDepartment: 2, updateDepartment: 0 });
    expect((await t.management.searchOrganizations({ keywords: name })).data.list).toHaveLength(1);
  });
});
