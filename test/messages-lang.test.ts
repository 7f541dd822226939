import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';

// The SDK sends `x-authing-lang: zh-CN` by default: those callers read the cloud's wording,
// en-US callers read ours, which names the field and the reason. Status and apiCode never change.
describe('messages in the caller language', () => {
  const t = useTestServer();

  it('answers a schema refusal with 参数 <field> 格式错误, naming the innermost field', async () => {
    const zh = await t.zh.listUsers({ options: { pagination: { page: 0 } } } as never);
    const en = await t.management.listUsers({ options: { pagination: { page: 0 } } } as never);
    expect(zh).toMatchObject({ statusCode: 400, apiCode: 4600, message: '参数 page 格式错误' });
    expect(en).toMatchObject({ statusCode: 400, apiCode: 4600, message: 'invalid body: options.pagination.page: must be >= 1' });
    expect(await t.zh.getUserGroups({ userId: '' })).toMatchObject({ statusCode: 400, message: '参数 userId 格式错误' });
    expect(await t.zh.getUserBatch({ userIds: [] })).toMatchObject({ statusCode: 400, message: '参数 userIds 格式错误' });
  });

  it('answers a page size above the maximum as the cloud words it', async () => {
    expect(await t.zh.listUsers({ options: { pagination: { limit: 220 } } } as never)).toMatchObject({ statusCode: 400, message: 'limit must less than 50' });
    expect(await t.management.listUsers({ options: { pagination: { limit: 220 } } } as never)).toMatchObject({
      statusCode: 400,
      message: 'invalid body: options.pagination.limit: must be <= 50',
    });
  });

  it('says 用户不存在 for an unknown user and 参数 userId 格式错误 for a malformed one', async () => {
    expect(await t.zh.getUser({ userId: 'nobody' })).toMatchObject({ statusCode: 404, apiCode: 2004, message: '用户不存在' });
    expect(await t.management.getUser({ userId: 'nobody' })).toMatchObject({
      statusCode: 404,
      apiCode: 2004,
      message: 'userId: no user "nobody" (userIdType user_id) in this user pool',
    });
    expect(await t.zh.getUser({ userId: 'test#x.com', userIdType: 'email' })).toMatchObject({ statusCode: 400, message: '参数 userId 格式错误' });
    expect(await t.zh.isUserExists({})).toMatchObject({ statusCode: 400, message: '参数 username, email, phone, externalId 格式错误' });
  });

  it('names the filtered field, not its place in the filter, for a value outside its set', async () => {
    const body = { advancedFilter: [{ field: 'status', operator: 'EQUAL', value: 'invalid' }] } as never;
    expect(await t.zh.listUsers(body)).toMatchObject({ statusCode: 400, message: '参数 status 格式错误' });
    expect((await t.management.listUsers(body)).message).toBe(
      'advancedFilter[0].value: status must be one of Activated, Suspended, Deactivated, Resigned, Archived (got "invalid")',
    );
  });

  it('says 角色不存在, 分组不存在 and 权限组不存在 for unknown roles, groups and namespaces', async () => {
    expect(await t.zh.getRole({ code: 'nope' })).toMatchObject({ statusCode: 404, message: '角色不存在' });
    expect(await t.zh.listRoleDepartments({ code: 'nope' } as never)).toMatchObject({ statusCode: 404, message: '角色不存在' });
    expect(await t.zh.getGroup({ code: 'nope' })).toMatchObject({ statusCode: 404, message: '分组不存在' });
    expect(await t.zh.getRole({ code: 'nope', namespace: 'nowhere' })).toMatchObject({ statusCode: 404, message: '权限组不存在' });
    expect(await t.management.getGroup({ code: 'nope' })).toMatchObject({ statusCode: 404, message: 'code: no group "nope" in this user pool' });
    const emptyCode = { list: [{ code: '', name: 'n' }] } as never;
    expect(await t.zh.createNamespacesBatch(emptyCode)).toMatchObject({ statusCode: 400, message: 'namespace name must not be empty' });
    expect(await t.management.createNamespacesBatch(emptyCode)).toMatchObject({ statusCode: 400, message: 'list[0].code: namespace code must not be empty' });
  });

  it('refuses create-user without an identifier, or with a country code but no phone, in the cloud wording', async () => {
    expect(await t.zh.createUser({} as never)).toMatchObject({ statusCode: 400, message: 'Must contain one of the following fields: username, phone, email' });
    expect(await t.zh.createUser({ email: 'cc@example.com', phoneCountryCode: '+86' } as never)).toMatchObject({ statusCode: 400, message: 'phone cannot be empty' });
    expect(await t.management.createUser({ email: 'cc@example.com', phoneCountryCode: '+86' } as never)).toMatchObject({
      statusCode: 400,
      message: 'phone: phoneCountryCode was given without a phone',
    });
    expect((await t.management.isUserExists({ email: 'cc@example.com' })).data.exists).toBe(false);
  });

  it('refuses an empty department list for set-user-departments in both languages, changing nothing', async () => {
    const user = (await t.management.createUser({ username: `lang_${Date.now()}` } as never)).data;
    expect(await t.zh.setUserDepartments({ userId: user.userId, departments: [] })).toMatchObject({ statusCode: 400, message: '参数 departments 格式错误' });
    expect((await t.management.getUserDepartments({ userId: user.userId })).data.totalCount).toBe(0);
  });
});
