import { randomBytes } from 'node:crypto';
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { runCli } from './helpers/cli.js';
import { useTestServer } from './helpers/server.js';

// Each test spawns CLI processes; on a busy machine a start-up alone can take many seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const masterKey = randomBytes(32).toString('base64');

function printedKey(stdout: string) {
  return {
    pool: /^pool (\S+) \(([0-9a-f]{24})\)$/m.exec(stdout)?.slice(1, 3),
    id: /^USERPOOL_ACCESS_KEY_ID=(\S+)$/m.exec(stdout)?.[1],
    secret: /^USERPOOL_ACCESS_KEY_SECRET=(\S+)$/m.exec(stdout)?.[1],
  };
}

describe('userpool migrate', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('applies every migration to an empty database, then reports it up to date', async () => {
    const env = { DATABASE_URL: database.url, USERPOOL_MASTER_KEY: masterKey };
    const first = await runCli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied: 0001_foundation, 0002_/);
    const second = await runCli(['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('schema is up to date');
  });
});

describe('userpool keys against a running server', () => {
  // No key cache: each request looks the key up, so a revocation shows on the next request.
  const t = useTestServer({ USERPOOL_MASTER_KEY: masterKey, ACCESS_KEY_CACHE_SECONDS: '0' });
  let env: Record<string, string>;
  const poolName = `tenant-${randomBytes(3).toString('hex')}`;
  let created: ReturnType<typeof printedKey>;

  beforeAll(async () => {
    env = { DATABASE_URL: t.database.url, USERPOOL_MASTER_KEY: masterKey };
  });

  it('creates a key in a named pool, printing its secret once, and the server accepts it', async () => {
    const result = await runCli(['keys', 'create', '--pool', poolName, '--description', 'ci'], env);
    expect(result.code).toBe(0);
    created = printedKey(result.stdout);
    expect(created.pool?.[0]).toBe(poolName);
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.secret?.length).toBeGreaterThanOrEqual(24);
    const answer = await t.client(created.id!, created.secret!).createUser({ username: 'tenant_user' } as never);
    expect(answer.statusCode).toBe(200);
    // The new pool is its own pool: the default key does not see its user.
    expect((await t.management.getUser({ userId: 'tenant_user', userIdType: 'username' })).statusCode).toBe(404);
  });

  it('puts a second key for the same pool name in the same pool', async () => {
    const result = await runCli(['keys', 'create', '--pool', poolName], env);
    const again = printedKey(result.stdout);
    expect(again.pool).toEqual(created.pool);
    expect(again.id).not.toBe(created.id);
    expect((await t.client(again.id!, again.secret!).getUser({ userId: 'tenant_user', userIdType: 'username' })).statusCode).toBe(200);
  });

  it('lists keys with their pool and status but never a secret', async () => {
    const result = await runCli(['keys', 'list'], env);
    expect(result.code).toBe(0);
    const row = result.stdout.split('\n').find((line) => line.startsWith(`${created.id}\t`));
    expect(row?.split('\t').slice(0, 3)).toEqual([created.id, created.pool![1], 'active']);
    expect(result.stdout).toContain(`${t.keyId}\t`);
    expect(result.stdout).not.toContain(created.secret!);
    expect(result.stdout).not.toContain(t.secret);
  });

  it('revokes a key, after which the running server refuses it', async () => {
    const client = t.client(created.id!, created.secret!);
    expect((await client.listUsers({} as never)).statusCode).toBe(200);
    const result = await runCli(['keys', 'revoke', created.id!], env);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`revoked ${created.id}`);
    await expect(client.listUsers({} as never)).rejects.toMatchObject({ response: { status: 401, data: { apiCode: 4604 } } });
    const listed = await runCli(['keys', 'list'], env);
    expect(listed.stdout.split('\n').find((line) => line.startsWith(`${created.id}\t`))?.split('\t')[2]).toBe('revoked');
  });

  it('fails with one line and exit code 1 when revoking a key that is not active', async () => {
    const result = await runCli(['keys', 'revoke', created.id!], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`userpool: no active key ${created.id}`);
  });
});
