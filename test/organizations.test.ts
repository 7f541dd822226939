import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();

async function createOrganization(fields: Record<string, unknown> = {}) {
  const answer = await t.management.createOrganization({ organizationCode: `org_${uniq()}`, organizationName: `Org ${uniq()}`, ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

describe('organizations through the official ManagementClient', () => {
  it('creates an organization whose departmentId is its root department', async () => {
    const code = `acme_${uniq()}`;
    const org = await createOrganization({ organizationCode: code, organizationName: 'Acme', description: 'the company', openDepartmentId: `open-${code}` });
    expect(org).toMatchObject({ organizationCode: code, organizationName: 'Acme', description: 'the company', openDepartmentId: `open-${code}`, hasChildren: false, membersCount: 0, isVirtualNode: false, leaderUserIds: [] });
    expect(org.departmentId).toMatch(/^[0-9a-f]{24}$/);

    const root = await t.management.getDepartment({ organizationCode: code, departmentId: 'root' });
    expect(root.statusCode).toBe(200);
    expect(root.data).toMatchObject({ departmentId: org.departmentId, name: 'Acme', code, organizationCode: code, parentDepartmentId: '' });
  });

  it('gets an organization by code and answers 404 for an unknown code', async () => {
    const org = await createOrganization();
    const got = await t.management.getOrganization({ organizationCode: org.organizationCode });
    expect(got.statusCode).toBe(200);
    expect(got.data.departmentId).toBe(org.departmentId);
    const missing = await t.management.getOrganization({ organizationCode: `nope_${uniq()}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.message).toMatch(/organization not found for code: nope_/);
  });

  it('gets organizations in a batch, in the order asked, leaving unknown codes out', async () => {
    const [a, b] = [await createOrganization(), await createOrganization()];
    const answer = await t.management.getOrganizationsBatch({ organizationCodeList: [b.organizationCode, `nope_${uniq()}`, a.organizationCode] });
    expect(answer.statusCode).toBe(200);
    expect(answer.data.map((o) => o.organizationCode)).toEqual([b.organizationCode, a.organizationCode]);
  });

  it('refuses a second organization with the same code in the pool', async () => {
    const org = await createOrganization();
    const again = await t.management.createOrganization({ organizationCode: org.organizationCode, organizationName: 'Again' } as never);
    expect(again.statusCode).toBe(409);
    expect(again.message).toContain('organizationCode');
  });

  it('generates a code when the organization code is empty', async () => {
    const answer = await t.management.createOrganization({ organizationCode: '', organizationName: `Generated ${uniq()}` } as never);
    expect(answer.statusCode).toBe(200);
    expect(answer.data.organizationCode).toMatch(/^org_[0-9a-f]{24}$/);
  });

  it('refuses malformed codes naming the field, and missing names', async () => {
    const bad = await t.management.createOrganization({ organizationCode: 'has space', organizationName: 'X' } as never);
    expect(bad.statusCode).toBe(400);
    expect(bad.message).toBe('invalid organization code: has space');
    const long = await t.management.createOrganization({ organizationCode: 'x'.repeat(65), organizationName: 'X' } as never);
    expect(long.statusCode).toBe(400);
    expect(long.message).toBe('参数 organizationCode 格式错误');
    const nameless = await t.management.createOrganization({ organizationCode: `ok_${uniq()}` } as never);
    expect(nameless.statusCode).toBe(400);
    expect(nameless.message).toMatch(/organizationName: is required/);
  });

  it('lists organizations with paging and fetchAll, and refuses a bad page or limit', async () => {
    for (let i = 0; i < 3; i++) await createOrganization();
    const page = await t.management.listOrganizations({ page: 1, limit: 2 });
    expect(page.statusCode).toBe(200);
    expect(page.data.list).toHaveLength(2);
    expect(page.data.totalCount).toBeGreaterThanOrEqual(3);
    const all = await t.management.listOrganizations({ page: 1, limit: 1, fetchAll: true });
    expect(all.data.list).toHaveLength(all.data.totalCount);
    expect((await t.management.listOrganizations({ page: -1 })).message).toBe('参数 page 格式错误');
    expect((await t.management.listOrganizations({ limit: 51 })).message).toBe('参数 limit 格式错误');
  });

  it('searches organizations by name or code, case-insensitively', async () => {
    const tag = uniq();
    const byName = await createOrganization({ organizationName: `Needle ${tag} Corp` });
    const byCode = await createOrganization({ organizationCode: `needle_${tag}` });
    const found = await t.management.searchOrganizations({ keywords: `NEEDLE ${tag.toUpperCase()}` });
    expect(found.data.list.map((o) => o.organizationCode)).toContain(byName.organizationCode);
    const byCodeFound = await t.management.searchOrganizations({ keywords: `needle_${tag}` });
    expect(byCodeFound.data.list.map((o) => o.organizationCode)).toEqual([byCode.organizationCode]);
    const empty = await t.management.searchOrganizations({ keywords: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.message).toBe('参数 keywords 格式错误');
  });

  it('updates the name, description and code of an organization, which its root department follows', async () => {
    const org = await createOrganization();
    const newCode = `renamed_${uniq()}`;
    const updated = await t.management.updateOrganization({ organizationCode: org.organizationCode, organizationNewCode: newCode, organizationName: 'Renamed', description: 'new' } as never);
    expect(updated.statusCode).toBe(200);
    expect(updated.data).toMatchObject({ organizationCode: newCode, organizationName: 'Renamed', description: 'new', departmentId: org.departmentId });
    expect((await t.management.getOrganization({ organizationCode: org.organizationCode })).statusCode).toBe(404);
    const root = await t.management.getDepartment({ organizationCode: newCode, departmentId: org.departmentId });
    expect(root.data).toMatchObject({ name: 'Renamed', code: newCode });

    const taken = await createOrganization();
    const clash = await t.management.updateOrganization({ organizationCode: newCode, organizationNewCode: taken.organizationCode } as never);
    expect(clash.statusCode).toBe(409);
    expect(clash.message).toContain('organizationNewCode');
    const bad = await t.management.updateOrganization({ organizationCode: newCode, organizationNewCode: 'bad code!' } as never);
    expect(bad.message).toBe('invalid organization code: bad code!');
  });

  it('sets the leaders of an organization, who become members of its root department', async () => {
    const org = await createOrganization();
    const user = (await t.management.createUser({ username: `lead_${uniq()}` } as never)).data;
    const updated = await t.management.updateOrganization({ organizationCode: org.organizationCode, leaderUserIds: [user.userId] } as never);
    expect(updated.data).toMatchObject({ leaderUserIds: [user.userId], membersCount: 1 });
  });

  it('deletes an organization with its departments and memberships, leaving the users', async () => {
    const org = await createOrganization();
    const child = (await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: 'Child' } as never)).data;
    const user = (await t.management.createUser({ username: `member_${uniq()}` } as never)).data;
    await t.management.addDepartmentMembers({ organizationCode: org.organizationCode, departmentId: child.departmentId, userIds: [user.userId] });

    const deleted = await t.management.deleteOrganization({ organizationCode: org.organizationCode });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.data.success).toBe(true);
    expect((await t.management.getOrganization({ organizationCode: org.organizationCode })).statusCode).toBe(404);
    expect((await t.management.getDepartment({ departmentId: child.departmentId } as never)).statusCode).toBe(404);
    const departments = await t.management.getUserDepartments({ userId: user.userId });
    expect(departments.data.totalCount).toBe(0);
    expect((await t.management.getUser({ userId: user.userId, withDepartmentIds: true })).data.departmentIds).toEqual([]);

    const again = await t.management.deleteOrganization({ organizationCode: org.organizationCode });
    expect(again.statusCode).toBe(404);
    const empty = await t.management.deleteOrganization({ organizationCode: '' });
    expect(empty.message).toBe('参数 organizationCode 格式错误');
  });

  it('keeps each pool to its own organizations', async () => {
    const org = await createOrganization();
    const other = await t.newPool();
    expect((await other.management.getOrganization({ organizationCode: org.organizationCode })).statusCode).toBe(404);
    const listed = await other.management.listOrganizations({ fetchAll: true });
    expect(listed.data.list.map((o) => o.organizationCode)).not.toContain(org.organizationCode);
    expect((await other.management.searchOrganizations({ keywords: org.organizationCode })).data.totalCount).toBe(0);
    expect((await other.management.deleteOrganization({ organizationCode: org.organizationCode })).statusCode).toBe(404);
    expect((await other.management.getDepartment({ departmentId: org.departmentId } as never)).statusCode).toBe(404);
    // The same code is free in another pool.
    const same = await other.management.createOrganization({ organizationCode: org.organizationCode, organizationName: 'Theirs' } as never);
    expect(same.statusCode).toBe(200);
    expect((await t.management.getOrganization({ organizationCode: org.organizationCode })).data.organizationName).toBe(org.organizationName);
  });
});
