import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { findKey } from '../src/store/access-keys.js';
import { managementClient, useTestServer, NO_BACKGROUND_WORK } from './helpers/server.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const masterKey = randomBytes(32).toString('base64');
// Long enough that only the announcement can explain a refusal by the second process.
const CACHE = { ACCESS_KEY_CACHE_SECONDS: '3600' };

const t = useTestServer({ USERPOOL_MASTER_KEY: masterKey, REDIS_URL, ...CACHE });
let second: RunningServer;
beforeAll(async () => {
  second = await startServer(
    loadConfig({
      DATABASE_URL: t.database.url, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', USERPOOL_MASTER_KEY: masterKey,
      USERPOOL_ACCESS_KEY_ID: t.keyId, USERPOOL_ACCESS_KEY_SECRET: t.secret, REDIS_URL, ...CACHE, ...NO_BACKGROUND_WORK,
    }),
    () => {},
  );
});
afterAll(async () => {
  await second?.close();
});

const refused = { response: { status: 401, data: { apiCode: 4604 } } };

async function newKey(client = t.management) {
  const answer = await client.createAccessKey({ type: 'management' });
  expect(answer.statusCode).toBe(200);
  return answer.data[0];
}

describe('access keys over the API', () => {
  it('answers the secret once, at creation; the new key signs requests and is kept encrypted', async () => {
    const key = await newKey();
    expect(key).toEqual({
      accessKeyId: expect.any(String), accessKeySecret: expect.any(String), userId: null, type: 'management', status: 'activated',
      enable: true, createdAt: expect.any(String), lastDate: null, userPoolId: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    const client = t.client(key.accessKeyId, key.accessKeySecret);
    expect((await client.listUsers({} as never)).statusCode).toBe(200);

    const got = await t.management.getAccessKey({ accessKeyId: key.accessKeyId } as never);
    expect(got.data).toEqual([{ ...key, accessKeySecret: undefined }].map(({ accessKeySecret: _, ...rest }) => rest));
    const listed = await t.management.getAccessKeyList({});
    expect(listed.data.map((k) => k.accessKeyId)).toContain(key.accessKeyId);
    expect(listed.data.every((k) => !('accessKeySecret' in k))).toBe(true);

    const row = await findKey(t.server.deps.db, key.accessKeyId);
    expect(row!.secret_enc).not.toContain(key.accessKeySecret);
  });

  it('records the owner a key is made for and filters by it; an unknown owner is refused', async () => {
    const user = (await t.management.createUser({ username: `ak_${randomBytes(4).toString('hex')}` } as never)).data;
    const owned = await t.management.createAccessKey({ type: 'management', userId: user.userId });
    expect(owned.data[0].userId).toBe(user.userId);
    const mine = await t.management.getAccessKeyList({ userId: user.userId });
    expect(mine.data.map((k) => k.accessKeyId)).toEqual([owned.data[0].accessKeyId]);
    expect((await t.management.getAccessKey({ userId: user.userId, accessKeyId: owned.data[0].accessKeyId })).statusCode).toBe(200);
    expect((await t.management.getAccessKey({ userId: 'someone-else', accessKeyId: owned.data[0].accessKeyId })).statusCode).toBe(404);

    const unknown = await t.management.createAccessKey({ type: 'management', userId: 'no-such-user' });
    expect(unknown).toMatchObject({ statusCode: 404, apiCode: 2004 });
    expect(unknown.message).toContain('userId');
  });

  it('refuses bad input by field, and tenants, changing nothing', async () => {
    const before = (await t.management.getAccessKeyList({})).data.length;
    const client = t.management;
    const missing = await client.createAccessKey({} as never);
    expect(missing).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect(missing.message).toContain('type: is required');
    const tenant = await client.createAccessKey({ type: 'management', tenantId: 'abc' });
    expect(tenant).toMatchObject({ statusCode: 400, apiCode: 4631 });
    expect(tenant.message).toContain('tenantId');
    const badEnable = await client.updateAccessKey({ accessKeyId: t.keyId, enable: 'maybe' as never });
    expect(badEnable).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect((await t.management.getAccessKeyList({})).data.length).toBe(before);
  });

  it('disabling a key refuses it at once on every process, and enabling brings it back', async () => {
    const key = await newKey();
    const clients = [t.client(key.accessKeyId, key.accessKeySecret), managementClient(second.url.replace('localhost', '127.0.0.1'), key.accessKeyId, key.accessKeySecret)];
    for (const client of clients) expect((await client.listUsers({} as never)).statusCode).toBe(200);

    expect((await t.management.updateAccessKey({ accessKeyId: key.accessKeyId, enable: false })).data).toEqual({ success: true });
    // The second process had the key cached for an hour: only the announcement can refuse it now.
    await vi.waitFor(async () => {
      for (const client of clients) await expect(client.listUsers({} as never)).rejects.toMatchObject(refused);
    }, { timeout: 5000 });
    expect((await t.management.getAccessKey({ accessKeyId: key.accessKeyId } as never)).data[0]).toMatchObject({ status: 'activated', enable: false });

    expect((await t.management.updateAccessKey({ accessKeyId: key.accessKeyId, enable: true })).statusCode).toBe(200);
    for (const client of clients) expect((await client.listUsers({} as never)).statusCode).toBe(200);
  });

  it('deleting a key revokes it for good: refused everywhere at once, never enabled again, listed only when asked', async () => {
    const key = await newKey();
    const far = managementClient(second.url.replace('localhost', '127.0.0.1'), key.accessKeyId, key.accessKeySecret);
    expect((await far.listUsers({} as never)).statusCode).toBe(200);

    expect((await t.management.deleteAccessKey({ accessKeyId: key.accessKeyId })).statusCode).toBe(200);
    await vi.waitFor(() => expect(far.listUsers({} as never)).rejects.toMatchObject(refused), { timeout: 5000 });
    await expect(t.client(key.accessKeyId, key.accessKeySecret).listUsers({} as never)).rejects.toMatchObject(refused);

    const again = await t.management.updateAccessKey({ accessKeyId: key.accessKeyId, enable: true });
    expect(again).toMatchObject({ statusCode: 400, apiCode: 4600 });
    expect(again.message).toContain('accessKeyId');
    expect((await t.management.deleteAccessKey({ accessKeyId: key.accessKeyId })).statusCode).toBe(200);

    expect((await t.management.getAccessKeyList({})).data.map((k) => k.accessKeyId)).not.toContain(key.accessKeyId);
    const revoked = await t.management.getAccessKeyList({ status: ['revoked'] });
    expect(revoked.data.find((k) => k.accessKeyId === key.accessKeyId)).toMatchObject({ status: 'revoked', enable: false });
  });

  it("keeps one active key in every pool: the last cannot stop itself, one of two can", async () => {
    const pool = await t.newPool();
    const last = await pool.management.deleteAccessKey({ accessKeyId: pool.keyId });
    expect(last).toMatchObject({ statusCode: 400, apiCode: 4630 });
    expect(last.message).toContain('last active access key');
    expect((await pool.management.updateAccessKey({ accessKeyId: pool.keyId, enable: false })).apiCode).toBe(4630);
    expect((await pool.management.listUsers({} as never)).statusCode).toBe(200);

    const spare = await newKey(pool.management);
    expect((await pool.management.deleteAccessKey({ accessKeyId: pool.keyId })).statusCode).toBe(200);
    await expect(pool.management.listUsers({} as never)).rejects.toMatchObject(refused);
    const spareClient = t.client(spare.accessKeyId, spare.accessKeySecret);
    expect((await spareClient.getAccessKeyList({})).data.map((k) => k.accessKeyId)).toEqual([spare.accessKeyId]);
  });

  it("never shows or touches another pool's keys", async () => {
    const other = await t.newPool();
    const zh = managementClient(t.url, other.keyId, other.secret, 'zh-CN');
    expect(await zh.getAccessKey({ accessKeyId: t.keyId } as never)).toMatchObject({ statusCode: 404, message: 'AccessKey 不存在' });
    expect((await other.management.deleteAccessKey({ accessKeyId: t.keyId })).statusCode).toBe(404);
    expect((await other.management.updateAccessKey({ accessKeyId: t.keyId, enable: false })).statusCode).toBe(404);
    expect((await other.management.getAccessKeyList({})).data.map((k) => k.accessKeyId)).toEqual([other.keyId]);
    expect((await t.management.listUsers({} as never)).statusCode).toBe(200);
  });

  it('audits every key write without the secret', async () => {
    const key = await newKey();
    expect((await t.management.updateAccessKey({ accessKeyId: key.accessKeyId, enable: false })).statusCode).toBe(200);
    const logs = await t.management.getAdminAuditLogs({ pagination: { page: 1, limit: 50 } } as never);
    const actions = (logs.data.list as unknown as Array<{ action?: string; operationType?: string }>).map((l) => JSON.stringify(l));
    expect(actions.some((l) => l.includes('create-access-key'))).toBe(true);
    expect(actions.some((l) => l.includes('update-access-key'))).toBe(true);
    expect(actions.join('\n')).not.toContain(key.accessKeySecret);
  });
});
