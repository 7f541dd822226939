import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { ensureBootstrapKey, keyResolver, revokeKey } from '../src/services/access-keys.js';
import { findKey } from '../src/store/access-keys.js';
import { runCli } from './helpers/cli.js';
import { managementClient, useTestServer, NO_BACKGROUND_WORK } from './helpers/server.js';

// The CLI runs as its own process, as an operator runs it.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const masterKey = randomBytes(32).toString('base64');
// Long enough that only an announcement can explain a refusal within the test.
const CACHE = { ACCESS_KEY_CACHE_SECONDS: '3600' };

const first = useTestServer({ USERPOOL_MASTER_KEY: masterKey, REDIS_URL, ...CACHE });
let second: RunningServer;
beforeAll(async () => {
  second = await startServer(
    loadConfig({
      DATABASE_URL: first.database.url, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', USERPOOL_MASTER_KEY: masterKey,
      USERPOOL_ACCESS_KEY_ID: first.keyId, USERPOOL_ACCESS_KEY_SECRET: first.secret, REDIS_URL, ...CACHE, ...NO_BACKGROUND_WORK,
    }),
    () => {},
  );
});
afterAll(async () => {
  await second?.close();
});

const refused = { response: { status: 401, data: { apiCode: 4604 } } };

describe('revoking an access key with Redis configured', () => {
  it('is refused by every server process at once, though each had the key cached', async () => {
    const key = await first.newPool();
    const clients = [managementClient(first.url, key.keyId, key.secret), managementClient(second.url, key.keyId, key.secret)];
    for (const client of clients) expect((await client.listUsers({} as never)).statusCode).toBe(200);

    const result = await runCli(['keys', 'revoke', key.keyId], { DATABASE_URL: first.database.url, USERPOOL_MASTER_KEY: masterKey, REDIS_URL });
    expect(result.code).toBe(0);
    const [revoked, announced] = result.stdout.trim().split('\n');
    expect(revoked).toBe(`revoked ${key.keyId}`);
    // Other test files may run servers on the same Redis at the same time: at least these two heard it.
    expect(Number(/^announced to (\d+) running server processes? through Redis$/.exec(announced)?.[1])).toBeGreaterThanOrEqual(2);

    for (const client of clients) await expect(client.listUsers({} as never)).rejects.toMatchObject(refused);
    // Other keys keep working from the cache and the database.
    expect((await first.management.listUsers({} as never)).statusCode).toBe(200);
  });

  it('without the announcement a cached key lives out its cache time, which is what the announcement removes', async () => {
    const key = await first.newPool();
    const client = managementClient(second.url, key.keyId, key.secret);
    expect((await client.listUsers({} as never)).statusCode).toBe(200);
    // No REDIS_URL for the CLI: the database says revoked, the second process has not heard.
    const result = await runCli(['keys', 'revoke', key.keyId], { DATABASE_URL: first.database.url, USERPOOL_MASTER_KEY: masterKey });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/servers that cached the key accept it for up to ACCESS_KEY_CACHE_SECONDS/);
    expect((await client.listUsers({} as never)).statusCode).toBe(200);
    // A process that never cached it refuses it at once.
    await expect(managementClient(first.url, key.keyId, key.secret).listUsers({} as never)).rejects.toMatchObject(refused);
  });
});

describe('the access-key cache', () => {
  it('does not keep an answer whose lookup was under way when the key was forgotten', async () => {
    const key = await first.newPool();
    const resolve = keyResolver(first.server.deps, 3_600_000);
    const racing = resolve(key.keyId);
    resolve.forget(key.keyId);
    expect(await racing).toMatchObject({ poolId: key.poolId });
    expect(await revokeKey(first.server.deps.db, key.keyId)).toBe(true);
    // Had the racing answer been cached, the revoked key would still resolve for an hour.
    expect(await resolve(key.keyId)).toBeUndefined();
  });

  it('keeps an answer for its time when nothing is forgotten', async () => {
    const key = await first.newPool();
    const resolve = keyResolver(first.server.deps, 3_600_000);
    expect(await resolve(key.keyId)).toMatchObject({ poolId: key.poolId });
    expect(await revokeKey(first.server.deps.db, key.keyId)).toBe(true);
    expect(await resolve(key.keyId)).toMatchObject({ poolId: key.poolId });
    resolve.clear();
    expect(await resolve(key.keyId)).toBeUndefined();
  });
});

describe('the bootstrap key', () => {
  it('stays revoked when the environment brings it back, whatever secret it gives', async () => {
    const key = await first.newPool();
    expect(await revokeKey(first.server.deps.db, key.keyId)).toBe(true);
    expect(await ensureBootstrapKey(first.server.deps, { id: key.keyId, secret: key.secret })).toBe('revoked');
    expect(await ensureBootstrapKey(first.server.deps, { id: key.keyId, secret: 'another-secret-entirely' })).toBe('revoked');
    expect((await findKey(first.server.deps.db, key.keyId))?.status).toBe('revoked');
    await expect(managementClient(first.url, key.keyId, key.secret).listUsers({} as never)).rejects.toMatchObject(refused);
  });
});
