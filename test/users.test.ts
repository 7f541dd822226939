import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';

const t = useTestServer();

async function createUser(fields: Record<string, unknown> = {}) {
  const s = uniq();
  const answer = await t.management.createUser({ username: `user_${s}`, email: `User_${s}@Example.com`, phone: `138${Math.floor(Math.random() * 1e8)}`, name: `Name ${s}`, ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

describe('users through the official ManagementClient', () => {
  it('creates a user and answers the UserDto without any password material', async () => {
    const answer = await t.management.createUser({ username: `alice_${uniq()}`, password: 'S3cret-pass!', name: 'Alice', customData: { team: 'core' } } as never);
    expect(answer.statusCode).toBe(200);
    expect(answer.requestId).toMatch(/[0-9a-f-]{36}/);
    expect(answer.data.userId).toMatch(/^[0-9a-f]{24}$/);
    expect(answer.data.status).toBe('Activated');
    expect(answer.data.workStatus).toBe('Active');
    expect(answer.data.name).toBe('Alice');
    expect(answer.data.passwordLastSetAt).toBeTruthy();
    expect(JSON.stringify(answer)).not.toMatch(/argon2|password_hash|passwordHash/);
  });

  it('gets a user by every userIdType', async () => {
    const user = await createUser({ externalId: `ext-${uniq()}` });
    const idp = await t.management.createExtIdp({ name: 'Lark', type: 'lark' } as never);
    expect(idp.statusCode).toBe(200);
    const inIdp = `ou_${uniq()}`;
    expect((await t.management.linkIdentity({ userId: user.userId, extIdpId: idp.data.id, userIdInIdp: inIdp } as never)).statusCode).toBe(200);
    const rel = await t.management.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: user.userId, provider: 'wechatwork', userIdInIdp: `ww_${inIdp}` } });
    expect(rel.statusCode).toBe(200);

    const lookups: Array<[string, string]> = [
      ['user_id', user.userId],
      ['username', user.username!],
      ['email', user.email!.toUpperCase()],
      ['phone', user.phone!],
      ['external_id', user.externalId!],
      ['identity', `${idp.data.id}:${inIdp}`],
      ['sync_relation', `wechatwork:ww_${inIdp}`],
    ];
    for (const [userIdType, userId] of lookups) {
      const answer = await t.management.getUser({ userId, userIdType: userIdType as never });
      expect({ userIdType, statusCode: answer.statusCode, userId: answer.data?.userId }).toEqual({ userIdType, statusCode: 200, userId: user.userId });
    }
  });

  it('refuses an unknown userIdType and a malformed compound id with a 400 naming the problem', async () => {
    const unknown = await t.management.getUser({ userId: 'x', userIdType: 'nickname' as never });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toMatch(/userIdType: unknown type "nickname"/);
    const malformed = await t.management.getUser({ userId: 'no-colon-here', userIdType: 'identity' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.message).toMatch(/<extIdpId>:<userIdInIdp>/);
  });

  it('answers 404 with apiCode 2004 for a user that does not exist', async () => {
    const answer = await t.management.getUser({ userId: '000000000000000000000000' });
    expect(answer.statusCode).toBe(404);
    expect(answer.apiCode).toBe(2004);
  });

  it('refuses a taken username, phone, externalId and a case-variant email', async () => {
    const user = await createUser({ externalId: `ext-${uniq()}` });
    const cases: Array<[Record<string, string>, number]> = [
      [{ username: user.username! }, 2034],
      [{ phone: user.phone!, username: `other_${uniq()}` }, 2035],
      [{ email: user.email!.toUpperCase() }, 2026],
      [{ externalId: user.externalId!, username: `other_${uniq()}` }, 2026],
    ];
    for (const [fields, apiCode] of cases) {
      const answer = await t.management.createUser(fields as never);
      expect({ fields, statusCode: answer.statusCode, apiCode: answer.apiCode }).toEqual({ fields, statusCode: 409, apiCode });
      expect(answer.message).toContain(Object.keys(fields)[0]);
    }
  });

  it('names the bad fields of an invalid body and stores nothing', async () => {
    const username = `bad_${uniq()}`;
    const answer = await t.management.createUser({ username, email: 'not-an-email', gender: 'X' } as never);
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toMatch(/email/);
    expect(answer.message).toMatch(/gender: must be one of M, F, U/);
    const exists = await t.management.isUserExists({ username });
    expect(exists.data.exists).toBe(false);
  });

  it('creates a batch all or nothing', async () => {
    const s = uniq();
    const ok = await t.management.createUsersBatch({ list: [{ username: `b1_${s}` }, { username: `b2_${s}` }] } as never);
    expect(ok.statusCode).toBe(200);
    expect(ok.data.map((u) => u.username)).toEqual([`b1_${s}`, `b2_${s}`]);

    const clash = await t.management.createUsersBatch({ list: [{ username: `b3_${s}` }, { username: `b1_${s}` }] } as never);
    expect(clash.statusCode).toBe(409);
    expect(clash.message).toContain('list[1].username');
    expect((await t.management.isUserExists({ username: `b3_${s}` })).data.exists).toBe(false);
  });

  it('gets users in a batch by GET query array, leaving unknown ids out', async () => {
    const a = await createUser();
    const b = await createUser();
    const answer = await t.management.getUserBatch({ userIds: [a.userId, 'ffffffffffffffffffffffff', b.userId] });
    expect(answer.statusCode).toBe(200);
    expect(answer.data.map((u) => u.userId)).toEqual([a.userId, b.userId]);
  });

  it('lists users with paging, keywords, a status filter and options', async () => {
    const tag = uniq();
    for (let i = 0; i < 3; i++) await createUser({ name: `Listed ${tag} ${i}` });
    const suspended = await createUser({ name: `Listed ${tag} suspended`, status: 'Suspended' });

    const page1 = await t.management.listUsers({ keywords: tag, options: { pagination: { page: 1, limit: 2 } } } as never);
    expect(page1.statusCode).toBe(200);
    expect(page1.data.totalCount).toBe(4);
    expect(page1.data.list).toHaveLength(2);
    const page3 = await t.management.listUsers({ keywords: tag, options: { pagination: { page: 3, limit: 2 } } } as never);
    expect(page3.data.list).toHaveLength(0);

    const onlySuspended = await t.management.listUsers({
      keywords: tag,
      advancedFilter: [{ field: 'status', operator: 'EQUAL', value: 'Suspended' }],
      options: { withIdentities: true, withDepartmentIds: true, withCustomData: true },
    } as never);
    expect(onlySuspended.data.totalCount).toBe(1);
    expect(onlySuspended.data.list[0].userId).toBe(suspended.userId);
    expect(onlySuspended.data.list[0].identities).toEqual([]);
    expect(onlySuspended.data.list[0].departmentIds).toEqual([]);
    expect(onlySuspended.data.list[0].customData).toEqual({});

    const tooMany = await t.management.listUsers({ options: { pagination: { limit: 51 } } } as never);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.message).toMatch(/limit/);
  });

  it('updates a user and keeps uniqueness', async () => {
    const user = await createUser();
    const other = await createUser();
    const updated = await t.management.updateUser({ userId: user.userId, nickname: 'Nick', status: 'Suspended', customData: { level: 3 } } as never);
    expect(updated.statusCode).toBe(200);
    expect(updated.data.nickname).toBe('Nick');
    expect(updated.data.status).toBe('Suspended');
    expect(updated.data.statusChangedAt).toBeTruthy();
    expect(updated.data.customData).toEqual({ level: 3 });

    const byEmail = await t.management.updateUser({ userId: user.email!, options: { userIdType: 'email' }, name: 'By Email' } as never);
    expect(byEmail.data.name).toBe('By Email');

    const taken = await t.management.updateUser({ userId: user.userId, username: other.username } as never);
    expect(taken.statusCode).toBe(409);
    expect((await t.management.getUser({ userId: user.userId })).data.username).toBe(user.username);
  });

  it('deletes users all or nothing, naming the ids that did not resolve', async () => {
    const a = await createUser();
    const b = await createUser();
    const partial = await t.management.deleteUsersBatch({ userIds: [a.userId, 'aaaaaaaaaaaaaaaaaaaaaaaa'] });
    expect(partial.statusCode).toBe(404);
    expect(partial.message).toContain('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect((await t.management.getUser({ userId: a.userId })).statusCode).toBe(200);

    const ok = await t.management.deleteUsersBatch({ userIds: [a.username!, b.username!], options: { userIdType: 'username' } } as never);
    expect(ok.statusCode).toBe(200);
    expect(ok.data.success).toBe(true);
    expect((await t.management.getUser({ userId: a.userId })).statusCode).toBe(404);
    expect((await t.management.getUser({ userId: b.userId })).statusCode).toBe(404);
  });

  it('tells whether a username, email, phone or externalId exists', async () => {
    const user = await createUser();
    expect((await t.management.isUserExists({ email: user.email!.toLowerCase() })).data.exists).toBe(true);
    expect((await t.management.isUserExists({ phone: user.phone! })).data.exists).toBe(true);
    expect((await t.management.isUserExists({ username: `nobody_${uniq()}` })).data.exists).toBe(false);
  });

  it('answers lastLogin and lastIp as null until the first sign-in, as the cloud does', async () => {
    const user = await createUser();
    expect(user).toMatchObject({ loginsCount: 0, lastLogin: null, lastIp: null });
    expect((await t.management.getUser({ userId: user.userId })).data).toMatchObject({ lastLogin: null, lastIp: null });
  });
});
