import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';
import { ApiCode } from '../src/errors.js';

const t = useTestServer();

async function newIdp(name = 'Lark', type = 'lark') {
  const answer = await t.management.createExtIdp({ name, type } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data as unknown as { id: string; name: string; type: string };
}

async function newUser(fields: Record<string, unknown> = {}) {
  const answer = await t.management.createUser({ username: `id_${uniq()}`, ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

const syncRelations = async (userId: string) => (await t.management.makeRequest({ method: 'GET', url: '/api/v3/get-user-sync-relations', params: { userId } })).data;

describe('external identity sources', () => {
  it('creates one, gets it by id and lists it', async () => {
    const idp = await newIdp('WeCom', 'wechatwork');
    expect(idp).toMatchObject({ name: 'WeCom', type: 'wechatwork' });
    expect(idp.id).toMatch(/^[0-9a-f]{24}$/);
    const got = await t.management.getExtIdp({ id: idp.id } as never);
    expect(got.statusCode).toBe(200);
    expect(got.data).toMatchObject({ id: idp.id, name: 'WeCom', type: 'wechatwork', connections: [] });
    const list = await t.management.listExtIdp({} as never);
    expect((list.data as unknown as { list: Array<{ id: string }> }).list.map((i) => i.id)).toContain(idp.id);
  });

  it('refuses a source without a name or type, naming the field', async () => {
    const noName = await t.management.createExtIdp({ type: 'lark' } as never);
    expect(noName.statusCode).toBe(400);
    expect(noName.message).toMatch(/name: is required/);
    const emptyType = await t.management.createExtIdp({ name: 'x', type: '' } as never);
    expect(emptyType.statusCode).toBe(400);
    expect(emptyType.message).toMatch(/type: /);
  });

  it('answers 404 for a source id that does not exist', async () => {
    const answer = await t.management.getExtIdp({ id: '000000000000000000000000' } as never);
    expect(answer.statusCode).toBe(404);
    expect(answer.message).toMatch(/^id: no external identity source/);
  });
});

describe('identities of users', () => {
  it('stores identities given at create-user and answers them from get-user-identities', async () => {
    const idp = await newIdp();
    const user = await newUser({ identities: [{ extIdpId: idp.id, provider: 'lark', userIdInIdp: `ou_${uniq()}`, userInfoInIdp: { name: 'Li Lei' }, accessToken: 'tok-secret' }] });
    expect(user.identities).toHaveLength(1);
    const answer = await t.management.getUserIdentities({ userId: user.userId } as never);
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toHaveLength(1);
    expect(answer.data[0]).toMatchObject({ extIdpId: idp.id, provider: 'lark', userInfoInIdp: { name: 'Li Lei' } });
    // Provider tokens are kept for the server's use and never answered.
    expect(JSON.stringify(answer)).not.toContain('tok-secret');
  });

  it('creates a user with identities alone, and finds the user by userIdType identity', async () => {
    const idp = await newIdp();
    const inIdp = `ou_${uniq()}`;
    const user = await newUser({ username: undefined, identities: [{ extIdpId: idp.id, provider: 'lark', userIdInIdp: inIdp }] });
    const found = await t.management.getUser({ userId: `${idp.id}:${inIdp}`, userIdType: 'identity' });
    expect(found.data.userId).toBe(user.userId);
  });

  it('refuses create-user with an unknown source or a taken identity, creating nobody', async () => {
    const idp = await newIdp();
    const inIdp = `ou_${uniq()}`;
    await newUser({ identities: [{ extIdpId: idp.id, userIdInIdp: inIdp }] });
    const username = `nobody_${uniq()}`;
    const unknown = await t.management.createUser({ username, identities: [{ extIdpId: '000000000000000000000000', userIdInIdp: 'x' }] } as never);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toBe('identities[0].extIdpId: no external identity source "000000000000000000000000" in this user pool');
    const taken = await t.management.createUser({ username, identities: [{ extIdpId: idp.id, userIdInIdp: inIdp }] } as never);
    expect(taken.statusCode).toBe(409);
    expect(taken.message).toBe(`identities[0].userIdInIdp: identity ${idp.id}:${inIdp} already belongs to a user`);
    expect((await t.management.isUserExists({ username } as never)).data.exists).toBe(false);
  });

  it('links an identity to a user and unlinks it again', async () => {
    const idp = await newIdp();
    const user = await newUser();
    const inIdp = `ou_${uniq()}`;
    const linked = await t.management.linkIdentity({ userId: user.userId, extIdpId: idp.id, userIdInIdp: inIdp });
    expect(linked.statusCode).toBe(200);
    expect((await t.management.getUser({ userId: `${idp.id}:${inIdp}`, userIdType: 'identity' })).data.userId).toBe(user.userId);
    const unlinked = await t.management.unlinkIdentity({ userId: user.userId, extIdpId: idp.id } as never);
    expect(unlinked.statusCode).toBe(200);
    expect((await t.management.getUserIdentities({ userId: user.userId } as never)).data).toEqual([]);
    expect((await t.management.getUser({ userId: `${idp.id}:${inIdp}`, userIdType: 'identity' })).statusCode).toBe(404);
  });

  it("refuses to link an identity another user holds, or to a source or user that does not exist", async () => {
    const idp = await newIdp();
    const [first, second] = [await newUser(), await newUser()];
    const inIdp = `ou_${uniq()}`;
    expect((await t.management.linkIdentity({ userId: first.userId, extIdpId: idp.id, userIdInIdp: inIdp })).statusCode).toBe(200);
    const taken = await t.management.linkIdentity({ userId: second.userId, extIdpId: idp.id, userIdInIdp: inIdp });
    expect(taken.statusCode).toBe(409);
    expect(taken.message).toBe(`userIdInIdp: identity ${idp.id}:${inIdp} already belongs to a user`);
    const noSource = await t.management.linkIdentity({ userId: second.userId, extIdpId: '000000000000000000000000', userIdInIdp: 'x' });
    expect(noSource.statusCode).toBe(400);
    expect(noSource.message).toMatch(/^extIdpId: no external identity source/);
    const noUser = await t.management.linkIdentity({ userId: '000000000000000000000000', extIdpId: idp.id, userIdInIdp: 'y' });
    expect(noUser.statusCode).toBe(404);
    expect(noUser.apiCode).toBe(ApiCode.USER_NOT_FOUND);
    const missingField = await t.management.linkIdentity({ userId: second.userId, extIdpId: idp.id } as never);
    expect(missingField.statusCode).toBe(400);
    expect(missingField.message).toMatch(/userIdInIdp: is required/);
  });

  it('answers 404 naming extIdpId when unlinking a source the user has no identity from', async () => {
    const idp = await newIdp();
    const user = await newUser();
    const answer = await t.management.unlinkIdentity({ userId: user.userId, extIdpId: idp.id } as never);
    expect(answer.statusCode).toBe(404);
    expect(answer.message).toMatch(/^extIdpId: user ".*" has no identity from source/);
  });
});

describe('sync relations', () => {
  it('records, lists and deletes the sync relations of a user', async () => {
    const user = await newUser();
    const inIdp = `ww_${uniq()}`;
    const created = await t.management.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: user.userId, provider: 'wechatwork', userIdInIdp: inIdp } });
    expect(created.statusCode).toBe(200);
    expect(created.data).toMatchObject({ provider: 'wechatwork', userIdInIdp: inIdp, userId: user.userId });
    await t.management.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: user.username, userIdType: 'username', provider: 'lark', userIdInIdp: inIdp } });
    expect((await syncRelations(user.userId)).totalCount).toBe(2);
    expect((await t.management.getUser({ userId: `lark:${inIdp}`, userIdType: 'sync_relation' })).data.userId).toBe(user.userId);

    const deleted = await t.management.makeRequest({ method: 'POST', url: '/api/v3/delete-user-sync-relations', data: { userId: user.userId, provider: 'wechatwork' } });
    expect(deleted.statusCode).toBe(200);
    const left = await syncRelations(user.userId);
    expect(left.list.map((r: { provider: string }) => r.provider)).toEqual(['lark']);
  });

  it('refuses a relation another user already has, and a provider with a colon', async () => {
    const [first, second] = [await newUser(), await newUser()];
    const inIdp = `ww_${uniq()}`;
    const body = (userId: string, provider = 'wechatwork') => ({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId, provider, userIdInIdp: inIdp } });
    expect((await t.management.makeRequest(body(first.userId))).statusCode).toBe(200);
    const taken = await t.management.makeRequest(body(second.userId));
    expect(taken.statusCode).toBe(409);
    expect(taken.message).toBe(`userIdInIdp: wechatwork:${inIdp} is already related to a user`);
    const colon = await t.management.makeRequest(body(second.userId, 'we:com'));
    expect(colon.statusCode).toBe(400);
    expect(colon.message).toMatch(/provider: /);
  });

  it('answers 404 for the relations of a user that does not exist', async () => {
    const answer = await t.management.makeRequest({ method: 'GET', url: '/api/v3/get-user-sync-relations', params: { userId: '000000000000000000000000' } });
    expect(answer.statusCode).toBe(404);
    expect(answer.apiCode).toBe(ApiCode.USER_NOT_FOUND);
  });
});

describe('identities and deletion', () => {
  it("frees a deleted user's identities and sync relations for another user", async () => {
    const idp = await newIdp();
    const inIdp = `ou_${uniq()}`;
    const user = await newUser({ identities: [{ extIdpId: idp.id, userIdInIdp: inIdp }] });
    await t.management.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: user.userId, provider: 'lark', userIdInIdp: inIdp } });
    expect((await t.management.deleteUsersBatch({ userIds: [user.userId] })).statusCode).toBe(200);
    const next = await newUser({ identities: [{ extIdpId: idp.id, userIdInIdp: inIdp }] });
    const rel = await t.management.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: next.userId, provider: 'lark', userIdInIdp: inIdp } });
    expect(rel.statusCode).toBe(200);
  });
});

describe('identities a user signs in with, and second factors', () => {
  it('lists each identity the user holds with the name of its source', async () => {
    const idp = await newIdp('Feishu', 'lark');
    const user = await newUser({ identities: [{ extIdpId: idp.id, provider: 'lark', userIdInIdp: `ou_${uniq()}` }] });
    const answer = await t.management.getUserLoggedinIdentities({ userId: user.userId });
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toEqual([{ identityId: expect.any(String), idpId: idp.id, idpName: 'Feishu', idpNameEn: 'Feishu', idpLogo: '' }]);
    const bare = await newUser();
    expect((await t.management.getUserLoggedinIdentities({ userId: bare.userId })).data).toEqual([]);
    expect(await t.management.getUserLoggedinIdentities({ userId: 'nobody' })).toMatchObject({ statusCode: 404, apiCode: ApiCode.USER_NOT_FOUND });
    expect(await t.zh.getUserLoggedinIdentities({ userId: '' })).toMatchObject({ statusCode: 400, message: '参数 userId 格式错误' });
  });

  it('answers every second factor disabled for a user who exists, and 404 for one who does not', async () => {
    const user = await newUser();
    expect((await t.management.getUserMfaInfo({ userId: user.username!, userIdType: 'username' })).data).toEqual({
      totpStatus: 'disabled',
      faceMfaStatus: 'disabled',
      smsMfaStatus: 'disabled',
      emailMfaStatus: 'disabled',
    });
    expect(await t.management.getUserMfaInfo({ userId: 'nobody' })).toMatchObject({ statusCode: 404, apiCode: ApiCode.USER_NOT_FOUND });
  });
});
