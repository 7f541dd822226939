import { beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { useTestServer } from './helpers/server.js';
import { ApiCode } from '../src/errors.js';

const t = useTestServer();
let other: ManagementClient;
const s = Math.random().toString(36).slice(2, 10);
let victim: { userId: string; username: string; email: string; phone: string; externalId: string };
let idpId: string;
const inIdp = `ou_${s}`;
const syncKey = `wechatwork:ww_${s}`;

beforeAll(async () => {
  other = (await t.newPool()).management;
  const idp = await t.management.createExtIdp({ name: 'Lark', type: 'lark' } as never);
  idpId = idp.data.id;
  const created = await t.management.createUser({
    username: `victim_${s}`,
    email: `victim_${s}@example.com`,
    phone: `139${Math.floor(1e7 + Math.random() * 9e7)}`,
    externalId: `ext_${s}`,
    identities: [{ extIdpId: idpId, provider: 'lark', userIdInIdp: inIdp }],
  } as never);
  expect(created.statusCode).toBe(200);
  victim = created.data as typeof victim;
  const rel = await t.management.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: victim.userId, provider: 'wechatwork', userIdInIdp: `ww_${s}` } });
  expect(rel.statusCode).toBe(200);
});

async function victimUntouched() {
  const answer = await t.management.getUser({ userId: victim.userId, withIdentities: true } as never);
  expect(answer.statusCode).toBe(200);
  expect(answer.data.username).toBe(victim.username);
  expect(answer.data.name).toBeUndefined();
  expect(answer.data.identities).toHaveLength(1);
}

describe("a second pool's key and the first pool's users", () => {
  it('cannot get the user by any identifier type: the answer is the same 404 as for nobody', async () => {
    const lookups: Array<[string, string]> = [
      ['user_id', victim.userId],
      ['username', victim.username],
      ['email', victim.email],
      ['phone', victim.phone],
      ['external_id', victim.externalId],
      ['identity', `${idpId}:${inIdp}`],
      ['sync_relation', syncKey],
    ];
    for (const [userIdType, userId] of lookups) {
      const answer = await other.getUser({ userId, userIdType: userIdType as never });
      expect({ userIdType, statusCode: answer.statusCode, apiCode: answer.apiCode, data: answer.data }).toEqual({
        userIdType,
        statusCode: 404,
        apiCode: ApiCode.USER_NOT_FOUND,
        data: undefined,
      });
      expect(answer.message).toBe(`userId: no user "${userId}" (userIdType ${userIdType}) in this user pool`);
    }
  });

  it('does not see the user in list-users, even when searching for it', async () => {
    const all = await other.listUsers({} as never);
    expect(all.statusCode).toBe(200);
    expect(all.data.totalCount).toBe(0);
    const searched = await other.listUsers({ keywords: victim.username } as never);
    expect(searched.data.list).toEqual([]);
  });

  it('gets nothing from get-user-batch', async () => {
    const answer = await other.getUserBatch({ userIds: [victim.userId] } as never);
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toEqual([]);
  });

  it('learns nothing from is-user-exists', async () => {
    for (const query of [{ username: victim.username }, { email: victim.email }, { phone: victim.phone }, { externalId: victim.externalId }]) {
      const answer = await other.isUserExists(query as never);
      expect({ query, exists: answer.data?.exists }).toEqual({ query, exists: false });
    }
  });

  it('cannot update the user', async () => {
    const answer = await other.updateUser({ userId: victim.userId, name: 'hijacked' } as never);
    expect(answer.statusCode).toBe(404);
    expect(answer.apiCode).toBe(ApiCode.USER_NOT_FOUND);
    await victimUntouched();
  });

  it('cannot delete the user', async () => {
    const answer = await other.deleteUsersBatch({ userIds: [victim.userId] });
    expect(answer.statusCode).toBe(404);
    await victimUntouched();
  });

  it('can take the same username, email, phone and externalId in its own pool', async () => {
    const answer = await other.createUser({ username: victim.username, email: victim.email, phone: victim.phone, externalId: victim.externalId } as never);
    expect(answer.statusCode).toBe(200);
    expect(answer.data.userId).not.toBe(victim.userId);
    await victimUntouched();
  });
});

describe("a second pool's key and the first pool's identities", () => {
  it('cannot get or list the external identity source', async () => {
    const got = await other.getExtIdp({ id: idpId } as never);
    expect(got.statusCode).toBe(404);
    const list = await other.listExtIdp({} as never);
    expect(list.statusCode).toBe(200);
    expect((list.data as unknown as { list: Array<{ id: string }> }).list.map((i) => i.id)).not.toContain(idpId);
  });

  it("cannot read the user's identities or sync relations", async () => {
    expect((await other.getUserIdentities({ userId: victim.userId } as never)).statusCode).toBe(404);
    const rel = await other.makeRequest({ method: 'GET', url: '/api/v3/get-user-sync-relations', params: { userId: victim.userId } });
    expect(rel.statusCode).toBe(404);
  });

  it("cannot link its own user to the first pool's source, nor unlink the first pool's user", async () => {
    const mine = await other.createUser({ username: `mine_${s}` } as never);
    const link = await other.linkIdentity({ userId: mine.data.userId, extIdpId: idpId, userIdInIdp: `x_${s}` } as never);
    expect(link.statusCode).toBe(400);
    expect(link.message).toMatch(/extIdpId: no external identity source/);
    const unlink = await other.unlinkIdentity({ userId: victim.userId, extIdpId: idpId } as never);
    expect(unlink.statusCode).toBe(404);
    await victimUntouched();
  });

  it("cannot delete the first pool's sync relations", async () => {
    const answer = await other.makeRequest({ method: 'POST', url: '/api/v3/delete-user-sync-relations', data: { userId: victim.userId, provider: 'wechatwork' } });
    expect(answer.statusCode).toBe(404);
    const still = await t.management.makeRequest({ method: 'GET', url: '/api/v3/get-user-sync-relations', params: { userId: victim.userId } });
    expect(still.data.totalCount).toBe(1);
  });

  it('may record the same provider user id in its own pool', async () => {
    const mine = await other.createUser({ username: `sync_${s}` } as never);
    const rel = await other.makeRequest({ method: 'POST', url: '/api/v3/create-user-sync-relation', data: { userId: mine.data.userId, provider: 'wechatwork', userIdInIdp: `ww_${s}` } });
    expect(rel.statusCode).toBe(200);
    const mineBySync = await other.getUser({ userId: syncKey, userIdType: 'sync_relation' } as never);
    expect(mineBySync.data.userId).toBe(mine.data.userId);
    const theirs = await t.management.getUser({ userId: syncKey, userIdType: 'sync_relation' } as never);
    expect(theirs.data.userId).toBe(victim.userId);
  });
});
