import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();
const request = (method: 'GET' | 'POST', url: string, payload: Record<string, unknown>) =>
  t.management.makeRequest(method === 'GET' ? { method, url, params: payload } : { method, url, data: payload }) as Promise<{
    statusCode: number;
    message: string;
    data: any;
  }>;

async function declareUserFields() {
  const answer = await t.management.setCustomFields({
    list: [
      { targetType: 'USER', dataType: 'STRING', key: 'intro', label: '自我介绍' },
      { targetType: 'USER', dataType: 'NUMBER', key: 'age', label: '年龄' },
      { targetType: 'USER', dataType: 'BOOLEAN', key: 'graduated', label: '已毕业' },
      { targetType: 'USER', dataType: 'DATETIME', key: 'graduated_at', label: '毕业时间' },
      { targetType: 'USER', dataType: 'ENUM', key: 'school', label: '学校', options: [{ value: 'pku', label: '北京大学' }, { value: 'mit', label: 'MIT' }] },
    ],
  } as never);
  expect(answer.statusCode).toBe(200);
  return answer;
}

describe('custom fields', () => {
  it('declares fields, answers them from get and list, and changes one without losing what was not given', async () => {
    const set = await declareUserFields();
    expect(set.data.map((f) => [f.key, f.dataType])).toEqual([['intro', 'STRING'], ['age', 'NUMBER'], ['graduated', 'BOOLEAN'], ['graduated_at', 'DATETIME'], ['school', 'ENUM']]);
    const all = await t.management.getCustomFields({ targetType: 'USER' });
    expect(all.data.map((f) => f.key).sort()).toEqual(['age', 'graduated', 'graduated_at', 'intro', 'school']);
    const page = await t.management.listCustFields({ targetType: 'USER', page: 2, limit: 2 } as never);
    expect(page.data).toMatchObject({ totalCount: 5 });
    expect((page.data as unknown as { list: unknown[] }).list).toHaveLength(2);
    const found = await t.management.listCustFields({ targetType: 'USER', keyword: '毕业' } as never);
    expect((found.data as unknown as { list: Array<{ key: string }> }).list.map((f) => f.key).sort()).toEqual(['graduated', 'graduated_at']);

    await t.management.setCustomFields({ list: [{ targetType: 'USER', key: 'intro', label: 'About me' }] } as never);
    const intro = (await t.management.getCustomFields({ targetType: 'USER' })).data.find((f) => f.key === 'intro');
    expect(intro).toMatchObject({ label: 'About me', dataType: 'STRING', visibleInAdminConsole: true });
    expect((await t.management.getCustomFields({ targetType: 'GROUP' })).data).toEqual([]);
  });

  it('refuses a built-in name, an ENUM without options, a bad key and a key twice, writing nothing', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ targetType: 'USER', key: 'email', dataType: 'STRING' }, /^list\[0\]\.key: "email" is a built-in user field/],
      [{ targetType: 'USER', key: 'level', dataType: 'ENUM' }, /^list\[0\]\.options: an ENUM field needs at least one option/],
      [{ targetType: 'USER', key: 'has space', dataType: 'STRING' }, /key/],
      [{ targetType: 'TENANT', key: 'x', dataType: 'STRING' }, /targetType/],
    ];
    for (const [item, message] of cases) {
      const answer = await t.management.setCustomFields({ list: [{ targetType: 'USER', key: `ok_${uniq()}`, dataType: 'STRING' }, item] } as never);
      expect(answer.statusCode).toBe(400);
      expect(answer.message.replace('list[1]', 'list[0]')).toMatch(message);
    }
    const twice = await t.management.setCustomFields({ list: [{ targetType: 'ROLE', key: 'k' }, { targetType: 'ROLE', key: 'k' }] } as never);
    expect(twice).toMatchObject({ statusCode: 400, message: 'list[1].key: "k" appears twice in this request' });
    expect((await t.management.getCustomFields({ targetType: 'ROLE' })).data).toEqual([]);
    expect((await t.management.getCustomFields({ targetType: 'USER' })).data.filter((f) => f.key.startsWith('ok_'))).toEqual([]);
  });

  it('checks and converts custom data on create-user and update-user by the declared types', async () => {
    await declareUserFields();
    const created = await t.management.createUser({
      username: `cf_${uniq()}`,
      customData: { intro: 'hi', age: '30', graduated: true, school: 'MIT', graduated_at: '2020-07-01T00:00:00Z', free: { any: 'thing' } },
    } as never);
    expect(created.statusCode).toBe(200);
    // An option's label stands for its value.
    expect(created.data.customData).toEqual({ intro: 'hi', age: 30, graduated: true, school: 'mit', graduated_at: '2020-07-01T00:00:00.000Z', free: { any: 'thing' } });

    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ age: 'thirty' }, 'customData.age: custom field "age" holds NUMBER and "thirty" is not one'],
      [{ school: 'harvard' }, 'customData.school: custom field "school" takes one of pku, mit (got "harvard")'],
      [{ graduated: 'yes' }, 'customData.graduated: custom field "graduated" holds BOOLEAN and "yes" is not one'],
      [{ intro: 'hello'.repeat(205) }, 'customData.intro: must be at most 1024 characters'],
    ];
    for (const [customData, message] of refusals) {
      const answer = await t.management.updateUser({ userId: created.data.userId, customData } as never);
      expect(answer).toMatchObject({ statusCode: 400, message });
    }
    const zh = await t.zh.createUser({ email: `${uniq()}@example.com`, customData: { intro: 'hello'.repeat(205) } } as never);
    expect(zh).toMatchObject({ statusCode: 400, message: 'customData must be less than 1024 characters' });
    const after = await t.management.getUser({ userId: created.data.userId, withCustomData: true });
    expect(after.data.customData).toMatchObject({ age: 30, school: 'mit', graduated: true, intro: 'hi' });
  });

  it('sets and reads custom data of users, roles, groups and departments, refusing undeclared keys and unknown targets', async () => {
    await t.management.setCustomFields({
      list: [
        { targetType: 'USER', key: 'seat', dataType: 'NUMBER' },
        { targetType: 'ROLE', key: 'risk', dataType: 'STRING' },
        { targetType: 'GROUP', key: 'budget', dataType: 'NUMBER' },
        { targetType: 'DEPARTMENT', key: 'floor', dataType: 'NUMBER' },
      ],
    } as never);
    const user = (await t.management.createUser({ username: `cd_${uniq()}` } as never)).data;
    const role = (await t.management.createRole({ code: `r_${uniq()}` })).data;
    const group = (await t.management.createGroup({ code: `g_${uniq()}`, name: 'g', description: '' } as never)).data;
    const org = (await t.management.createOrganization({ organizationCode: `o_${uniq()}`, organizationName: 'Org' } as never)).data as unknown as { departmentId: string };

    const targets: Array<[string, string, string, string]> = [
      ['USER', user.userId, 'seat', '12'],
      ['ROLE', role.code, 'risk', 'high'],
      ['GROUP', group.code, 'budget', '1000'],
      ['DEPARTMENT', org.departmentId, 'floor', '3'],
    ];
    for (const [targetType, targetIdentifier, key, value] of targets) {
      const set = await t.management.setCustomData({ targetType, targetIdentifier, list: [{ key, value }] } as never);
      expect(set.statusCode).toBe(200);
      const got = await t.management.getCustomData({ targetType, targetIdentifier } as never);
      expect(got.data).toEqual({ [key]: key === 'risk' ? 'high' : Number(value) });
    }
    expect((await t.management.getUser({ userId: user.userId, withCustomData: true })).data.customData).toEqual({ seat: 12 });

    const undeclared = await t.management.setCustomData({ targetType: 'USER', targetIdentifier: user.userId, list: [{ key: 'seat', value: '13' }, { key: 'nope', value: 'x' }] } as never);
    expect(undeclared).toMatchObject({ statusCode: 404, message: 'list.nope: no custom field "nope" for USER in this user pool' });
    const wrong = await t.management.setCustomData({ targetType: 'USER', targetIdentifier: user.userId, list: [{ key: 'seat', value: 'window' }] } as never);
    expect(wrong.statusCode).toBe(400);
    expect((await t.management.getCustomData({ targetType: 'USER', targetIdentifier: user.userId } as never)).data).toEqual({ seat: 12 });

    expect((await t.management.getCustomData({ targetType: 'USER', targetIdentifier: 'nobody' } as never)).statusCode).toBe(404);
    expect((await t.management.getCustomData({ targetType: 'DEPARTMENT', targetIdentifier: 'nowhere' } as never)).message).toBe(
      'targetIdentifier: no department "nowhere" in this user pool',
    );
  });

  it('deletes fields all or nothing and keeps the values already written', async () => {
    await t.management.setCustomFields({ list: [{ targetType: 'GROUP', key: 'kept', dataType: 'STRING' }] } as never);
    const group = (await t.management.createGroup({ code: `k_${uniq()}`, name: 'k', description: '' } as never)).data;
    await t.management.setCustomData({ targetType: 'GROUP', targetIdentifier: group.code, list: [{ key: 'kept', value: 'v' }] } as never);
    const partly = await t.management.deleteCustomFields({ list: [{ targetType: 'GROUP', key: 'kept' }, { targetType: 'GROUP', key: 'missing' }] } as never);
    expect(partly).toMatchObject({ statusCode: 404, message: 'list[1].key: no custom field "missing" for GROUP in this user pool' });
    expect((await t.management.getCustomFields({ targetType: 'GROUP' })).data.map((f) => f.key)).toContain('kept');
    expect((await t.management.deleteCustomFields({ list: [{ targetType: 'GROUP', key: 'kept' }] } as never)).statusCode).toBe(200);
    expect((await t.management.getCustomFields({ targetType: 'GROUP' })).data.map((f) => f.key)).not.toContain('kept');
    expect((await t.management.getCustomData({ targetType: 'GROUP', targetIdentifier: group.code } as never)).data).toEqual({ kept: 'v' });
  });

  it("keeps one pool's fields from another", async () => {
    await t.management.setCustomFields({ list: [{ targetType: 'DEPARTMENT', key: 'mine', dataType: 'STRING' }] } as never);
    const other = await t.newPool();
    expect((await other.management.getCustomFields({ targetType: 'DEPARTMENT' })).data).toEqual([]);
    expect((await other.management.deleteCustomFields({ list: [{ targetType: 'DEPARTMENT', key: 'mine' }] } as never)).statusCode).toBe(404);
  });

  it('lists the built-in user fields and keeps the settings a pool changes', async () => {
    const base = await request('GET', '/api/v3/get-user-base-fields', {});
    expect(base.data.map((f: { key: string }) => f.key)).toEqual(expect.arrayContaining(['username', 'email', 'phone', 'name', 'gender', 'birthdate']));
    const set = await t.management.setUserBaseFields({ list: [{ key: 'nickname', label: '昵称', visibleInUserCenter: false }] });
    expect(set.statusCode).toBe(200);
    const hidden = await t.management.listUserBaseFields({ targetType: 'USER', userVisible: false } as never);
    expect((hidden.data as unknown as { list: Array<{ key: string; label: string }> }).list).toEqual([expect.objectContaining({ key: 'nickname', label: '昵称' })]);
    const unknown = await t.management.setUserBaseFields({ list: [{ key: 'shoeSize' }] });
    expect(unknown).toMatchObject({ statusCode: 404, message: 'list[0].key: "shoeSize" is not a built-in user field' });
  });
});

describe('list-users filters on custom fields', () => {
  it('filters by equality, sets, ranges, text and absence inside custom data, in the declared types', async () => {
    const tag = uniq();
    await t.management.setCustomFields({
      list: [
        { targetType: 'USER', key: 'level', dataType: 'NUMBER' },
        { targetType: 'USER', key: 'team', dataType: 'STRING' },
        { targetType: 'USER', key: 'remote', dataType: 'BOOLEAN' },
      ],
    } as never);
    const make = async (name: string, customData: Record<string, unknown>) =>
      (await t.management.createUser({ username: `${name}_${tag}`, customData: { ...customData, batch: tag } } as never)).data.userId;
    const ann = await make('ann', { level: 3, team: 'Platform', remote: true });
    const bob = await make('bob', { level: '10', team: 'payments', remote: false });
    const cai = await make('cai', { level: 7 });
    const find = async (...advancedFilter: Array<Record<string, unknown>>) => {
      const answer = await t.management.listUsers({ keywords: tag, options: { fuzzySearchOn: ['username'], pagination: { limit: 50 } }, advancedFilter } as never);
      expect(answer.statusCode).toBe(200);
      return answer.data.list.map((u) => u.userId).sort();
    };
    expect(await find({ field: 'level', operator: 'EQUAL', value: '10' })).toEqual([bob]);
    expect(await find({ field: 'level', operator: 'GREATER', value: 5 })).toEqual([bob, cai].sort());
    expect(await find({ field: 'level', operator: 'LESSER', value: 8 })).toEqual([ann, cai].sort());
    expect(await find({ field: 'level', operator: 'IN', value: [3, 7] })).toEqual([ann, cai].sort());
    expect(await find({ field: 'remote', operator: 'EQUAL', value: true })).toEqual([ann]);
    expect(await find({ field: 'remote', operator: 'EQUAL', value: 'false' })).toEqual([bob]);
    expect(await find({ field: 'team', operator: 'CONTAINS', value: 'PLAT' })).toEqual([ann]);
    expect(await find({ field: 'team', operator: 'IS_NULL' })).toEqual([cai]);
    expect(await find({ field: 'team', operator: 'NOT_NULL' }, { field: 'level', operator: 'GREATER', value: 4 })).toEqual([bob]);

    const wrong = await t.management.listUsers({ advancedFilter: [{ field: 'level', operator: 'EQUAL', value: 'ten' }] } as never);
    expect(wrong).toMatchObject({ statusCode: 400, message: 'advancedFilter[0].value: custom field "level" holds NUMBER and "ten" is not one' });
    const undeclared = await t.management.listUsers({ advancedFilter: [{ field: 'batch', operator: 'EQUAL', value: tag }] } as never);
    expect(undeclared.statusCode).toBe(400);
    expect(undeclared.message).toMatch(/^advancedFilter\[0\]\.field: cannot filter or sort on "batch"/);
  });
});
